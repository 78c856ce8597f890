import { tf, type Tensor } from '@cristal/tensor';
import { IMAGE_PIXELS, IMAGE_SIDE } from './pixels';

/** Patches of a side that divides 28: 7 gives 16 patches of 49 pixels. */
export function patchGrid(patchSize: number): { perSide: number; count: number; pixels: number } {
  if (!Number.isInteger(patchSize) || patchSize < 1 || IMAGE_SIDE % patchSize !== 0) {
    throw new Error(`patchSize must be a divisor of ${IMAGE_SIDE} (1, 2, 4, 7, 14 or 28), got ${patchSize}.`);
  }
  const perSide = IMAGE_SIDE / patchSize;
  return { perSide, count: perSide * perSide, pixels: patchSize * patchSize };
}

/**
 * Splits row-major 28x28 images [B, 784] into non-overlapping square patches [B, P, s*s]. Patch
 * p = 4 r + c (for s = 7) is grid row r, grid column c; its pixels are row-major within the patch.
 * That is: reshape [B, g, s, g, s], swap axes 2 and 3, reshape [B, g*g, s*s] with g = 28 / s (the
 * ONNX exporter emits exactly these three ops).
 */
export function imagePatches(pixels: Tensor, patchSize = 7): Tensor {
  const { perSide, count, pixels: size } = patchGrid(patchSize);
  if (pixels.rank !== 2 || pixels.shape[1] !== IMAGE_PIXELS) throw new Error(`imagePatches: pixels must be [batch, ${IMAGE_PIXELS}], got [${pixels.shape.join(', ')}].`);
  const batch = pixels.shape[0] as number;
  return tf.tidy(() => {
    const grid = tf.reshape(pixels, [batch, perSide, patchSize, perSide, patchSize]);
    return tf.reshape(tf.transpose(grid, [0, 1, 3, 2, 4]), [batch, count, size]);
  });
}
