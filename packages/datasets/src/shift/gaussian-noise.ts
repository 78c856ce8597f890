import type { RandomStream } from '@cristal/tensor';
import { IMAGE_PIXELS, withImages, type ImageSet } from '../image-set/image-set';

/**
 * Adds N(0, std^2) noise to every pixel, std in pixel units (0..255), rounds to nearest and clamps
 * to 0..255. The noise comes from `stream`, image after image, so the result depends only on the
 * stream's state and the set.
 */
export function gaussianNoise(set: ImageSet, std: number, stream: RandomStream): ImageSet {
  if (!Number.isFinite(std) || std < 0) throw new Error(`gaussianNoise: std must be a finite number >= 0 (pixel units), got ${std}.`);
  const out = new Uint8Array(set.images.length);
  // One image at a time keeps memory flat; IMAGE_PIXELS is even, so fillNormal's Box-Muller pairs
  // line up exactly as in one big fill.
  const noise = new Float64Array(IMAGE_PIXELS);
  for (let n = 0; n < set.count; n++) {
    stream.fillNormal(noise, 0, std);
    const offset = n * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const v = set.images[offset + p] + noise[p];
      // Round half up and clamp without Math.*: builtins cost ~200 ns a call under Jest's VM context.
      out[offset + p] = v < 0 ? 0 : v >= 254.5 ? 255 : (v + 0.5) | 0;
    }
  }
  return withImages(set, out, `${set.name}-noise${std}`);
}
