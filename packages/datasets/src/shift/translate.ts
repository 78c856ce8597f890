import { IMAGE_SIDE, withImages, type ImageSet } from '../image-set/image-set';

/**
 * Shifts each height x width image by (dx, dy) whole pixels, dx > 0 to the right and dy > 0 down
 * (towards higher rows); pixels shifted in from outside are 0.
 */
export function translateImages(images: Uint8Array, count: number, height: number, width: number, dx: number, dy: number): Uint8Array {
  if (!Number.isInteger(dx) || !Number.isInteger(dy)) throw new Error(`translate: dx and dy must be whole pixels, got (${dx}, ${dy}).`);
  const out = new Uint8Array(count * height * width);
  const x0 = Math.max(0, dx);
  const x1 = Math.min(width, width + dx);
  if (x0 >= x1) return out;
  for (let n = 0; n < count; n++) {
    const offset = n * height * width;
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const from = offset + (y - dy) * width;
      out.set(images.subarray(from + x0 - dx, from + x1 - dx), offset + y * width + x0);
    }
  }
  return out;
}

/** The set shifted by (dx, dy) pixels: right and down are positive, zero fill. */
export function translate(set: ImageSet, dx: number, dy: number): ImageSet {
  return withImages(set, translateImages(set.images, set.count, IMAGE_SIDE, IMAGE_SIDE, dx, dy), `${set.name}-shift${dx},${dy}`);
}
