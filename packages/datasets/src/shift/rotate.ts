import { IMAGE_SIDE, withImages, type ImageSet } from '../image-set/image-set';

/**
 * Bilinear taps of a rotation: for output pixel p, the value is sum over t < 4 of
 * weight[4p + t] * input[index[4p + t]]. Taps that fall outside the image carry weight 0 (zero
 * padding). The same taps serve every image of a set, so they are computed once per angle.
 */
export interface RotationTaps {
  index: Int32Array;
  weight: Float64Array;
}

/**
 * cos and sin of an angle in degrees, exact at multiples of 90: Math.cos(Math.PI / 2) is 6e-17, not 0,
 * and exact values make rotations by 90, 180 and 270 pure pixel permutations.
 */
export function exactCosSin(degrees: number): [number, number] {
  const turn = ((degrees % 360) + 360) % 360;
  if (turn === 0) return [1, 0];
  if (turn === 90) return [0, 1];
  if (turn === 180) return [-1, 0];
  if (turn === 270) return [0, -1];
  const radians = (turn * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

/**
 * Taps for rotating a height x width image by `degrees` about its centre ((width-1)/2, (height-1)/2),
 * in pixel-centre coordinates (pixel (row r, column c) sits at x = c, y = r, y pointing down).
 * Positive angles turn the picture counter-clockwise as displayed (row 0 at the top), like
 * numpy.rot90 and scipy.ndimage.rotate: at +90 degrees a point right of the centre moves above it.
 * Each output pixel samples the input at the inverse rotation of its own position.
 */
export function rotationTaps(height: number, width: number, degrees: number): RotationTaps {
  if (!Number.isFinite(degrees)) throw new Error(`rotate: the angle must be a finite number of degrees, got ${degrees}.`);
  const [cos, sin] = exactCosSin(degrees);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const pixels = height * width;
  const index = new Int32Array(4 * pixels);
  const weight = new Float64Array(4 * pixels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - cx;
      const dy = y - cy;
      // Inverse of the counter-clockwise (as displayed, y down) rotation (dx, dy) -> (dx cos + dy sin, -dx sin + dy cos).
      const sx = cx + dx * cos - dy * sin;
      const sy = cy + dx * sin + dy * cos;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const base = 4 * (y * width + x);
      const taps: [number, number, number][] = [
        [y0, x0, (1 - fx) * (1 - fy)],
        [y0, x0 + 1, fx * (1 - fy)],
        [y0 + 1, x0, (1 - fx) * fy],
        [y0 + 1, x0 + 1, fx * fy],
      ];
      taps.forEach(([ty, tx, w], t) => {
        const inside = ty >= 0 && ty < height && tx >= 0 && tx < width;
        index[base + t] = inside ? ty * width + tx : 0;
        weight[base + t] = inside ? w : 0;
      });
    }
  }
  return { index, weight };
}

/** Applies taps to `count` images of `pixels` each: rounds to nearest and clamps to 0..255. */
export function applyTaps(images: Uint8Array, count: number, pixels: number, taps: RotationTaps): Uint8Array {
  const out = new Uint8Array(count * pixels);
  const { index, weight } = taps;
  for (let n = 0; n < count; n++) {
    const offset = n * pixels;
    for (let p = 0; p < pixels; p++) {
      const t = 4 * p;
      const v =
        weight[t] * images[offset + index[t]] +
        weight[t + 1] * images[offset + index[t + 1]] +
        weight[t + 2] * images[offset + index[t + 2]] +
        weight[t + 3] * images[offset + index[t + 3]];
      // v >= 0, so truncating v + 0.5 rounds half up (no Math.round: builtins cost ~200 ns a call
      // under Jest's VM context); clamp because a Uint8Array store wraps instead of saturating.
      const rounded = (v + 0.5) | 0;
      out[offset + p] = rounded > 255 ? 255 : rounded;
    }
  }
  return out;
}

/** Rotates every image of the set by `degrees` (counter-clockwise as displayed), bilinear, zero outside. */
export function rotate(set: ImageSet, degrees: number): ImageSet {
  const taps = rotationTaps(IMAGE_SIDE, IMAGE_SIDE, degrees);
  return withImages(set, applyTaps(set.images, set.count, IMAGE_SIDE * IMAGE_SIDE, taps), `${set.name}-rot${degrees}`);
}
