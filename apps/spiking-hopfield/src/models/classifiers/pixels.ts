import { tf, type Tensor } from '@cristal/tensor';
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES, type ImageSet } from '@cristal/datasets';

export { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES };

/** Throws unless `pixels` is [batch, 784], the shared classifier input. */
export function assertPixels(pixels: Tensor, model: string): void {
  if (pixels.rank !== 2 || pixels.shape[1] !== IMAGE_PIXELS) {
    throw new Error(`${model}: pixels must be [batch, ${IMAGE_PIXELS}] (flattened 28x28 images in [0, 1]), got [${pixels.shape.join(', ')}].`);
  }
}

/**
 * Images `start .. start + count - 1` of a set as float32 pixels [count, 784] in [0, 1] and their
 * labels: the form the classifiers (and a retrieval memory) take.
 */
export function imageSetPixels(set: ImageSet, start: number, count: number): { pixels: Tensor; labels: Int32Array } {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > set.count) {
    throw new Error(`imageSetPixels: images ${start}..${start + count - 1} are not all in '${set.name}' (${set.count} images).`);
  }
  const bytes = set.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
  const values = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) values[i] = bytes[i] / 255;
  return { pixels: tf.tensor2d(values, [count, IMAGE_PIXELS]), labels: Int32Array.from(set.labels.subarray(start, start + count)) };
}
