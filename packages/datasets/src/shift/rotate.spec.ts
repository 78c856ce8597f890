import { imageAt, IMAGE_PIXELS, sliceImageSet, type ImageSet } from '../image-set/image-set';
import { loadMnist } from '../mnist/load-mnist';
import { sameBytes, syntheticImageSet } from '../testing/fixtures.test-helpers';
import { exactCosSin, rotate } from './rotate';

function onePixel(row: number, col: number, value = 200): ImageSet {
  const set = syntheticImageSet(1, 'dot');
  set.images.fill(0);
  set.images[row * 28 + col] = value;
  return set;
}

function mass(image: Uint8Array): number {
  let sum = 0;
  for (const v of image) sum += v;
  return sum;
}

/** Intensity-weighted centre (x = column, y = row) relative to the image centre (13.5, 13.5). */
function centroid(image: Uint8Array): [number, number] {
  let sx = 0;
  let sy = 0;
  image.forEach((v, p) => {
    sx += v * (p % 28);
    sy += v * Math.floor(p / 28);
  });
  const m = mass(image);
  return [sx / m - 13.5, sy / m - 13.5];
}

describe('rotate', () => {
  const test = loadMnist().test;
  const digits = sliceImageSet(test, 0, 2000, 'mnist-test-2000');

  it('by 0 (and by 360) is exactly the identity', () => {
    expect(sameBytes(rotate(test, 0).images, test.images)).toBe(true);
    expect(sameBytes(rotate(digits, 360).images, digits.images)).toBe(true);
    expect(rotate(test, 0).labels).toEqual(test.labels);
  });

  it('by +90 is transpose then vertical flip, exactly: out[r][c] = in[c][27 - r]', () => {
    const rotated = rotate(digits, 90);
    for (let n = 0; n < digits.count; n++) {
      const input = imageAt(digits, n);
      const output = imageAt(rotated, n);
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          if (output[r * 28 + c] !== input[c * 28 + (27 - r)]) throw new Error(`image ${n} differs at (${r}, ${c})`);
        }
      }
    }
  });

  it('turns counter-clockwise as displayed for positive angles: right of centre goes to the top', () => {
    // Row 13 is just above the centre line 13.5; column 27 is the right edge.
    const up = rotate(onePixel(13, 27), 90);
    expect(Array.from(up.images).findIndex((v) => v > 0)).toBe(0 * 28 + 13);
    const down = rotate(onePixel(13, 27), -90);
    expect(Array.from(down.images).findIndex((v) => v > 0)).toBe(27 * 28 + 14);
  });

  it('moves mass to the analytic position at non-right angles (centroid within 0.02 pixel)', () => {
    // A smooth blob (Gaussian, std 1.5 px) around row 13, column 20: bilinear resampling of smooth
    // content keeps its centroid, so the centroid must follow the rotation formula. Counter-clockwise
    // on screen (y down) by a, (x, y) goes to (x cos a + y sin a, -x sin a + y cos a).
    const blob = syntheticImageSet(1, 'blob');
    blob.images.forEach((_, p) => {
      const r = Math.floor(p / 28);
      const c = p % 28;
      blob.images[p] = Math.round(250 * Math.exp(-((r - 13) ** 2 + (c - 20) ** 2) / (2 * 1.5 ** 2)));
    });
    const [x0, y0] = centroid(blob.images);
    for (const degrees of [15, 30, 45, 60, -75]) {
      const [cos, sin] = exactCosSin(degrees);
      const [x, y] = centroid(imageAt(rotate(blob, degrees), 0));
      expect(Math.abs(x - (x0 * cos + y0 * sin))).toBeLessThan(0.02);
      expect(Math.abs(y - (-x0 * sin + y0 * cos))).toBeLessThan(0.02);
    }
  });

  it('by 180 is the point reflection through the centre, and twice is exactly the identity', () => {
    const once = rotate(digits, 180);
    for (let n = 0; n < digits.count; n++) {
      const input = imageAt(digits, n);
      const output = imageAt(once, n);
      for (let p = 0; p < IMAGE_PIXELS; p++) if (output[p] !== input[IMAGE_PIXELS - 1 - p]) throw new Error(`image ${n} differs at ${p}`);
    }
    expect(sameBytes(rotate(once, 180).images, digits.images)).toBe(true);
    expect(sameBytes(rotate(digits, -90).images, rotate(digits, 270).images)).toBe(true);
  });

  it('preserves the total intensity of a centred disc within 1% at every angle of the protocol', () => {
    const disc = syntheticImageSet(1, 'disc');
    disc.images.forEach((_, p) => {
      disc.images[p] = (Math.floor(p / 28) - 13.5) ** 2 + ((p % 28) - 13.5) ** 2 <= 64 ? 255 : 0;
    });
    const m0 = mass(disc.images);
    for (let degrees = 0; degrees <= 180; degrees += 15) {
      expect(Math.abs(mass(rotate(disc, degrees).images) / m0 - 1)).toBeLessThan(0.01);
    }
  });

  it('preserves the total intensity of MNIST digits approximately at 45 degrees', () => {
    // Digits are centred in a 20x20 box; strokes reaching its corners (radius 14.1) are partly cut
    // off by the 28x28 frame, which is why single images may lose a few per cent.
    const rotated = rotate(digits, 45);
    let before = 0;
    let after = 0;
    let withinOneAndAHalfPercent = 0;
    for (let n = 0; n < digits.count; n++) {
      const m0 = mass(imageAt(digits, n));
      const m1 = mass(imageAt(rotated, n));
      before += m0;
      after += m1;
      if (Math.abs(m1 / m0 - 1) > 0.05) throw new Error(`image ${n}: mass ${m0} -> ${m1}`);
      if (Math.abs(m1 / m0 - 1) <= 0.015) withinOneAndAHalfPercent++;
    }
    expect(Math.abs(after / before - 1)).toBeLessThan(0.001);
    expect(withinOneAndAHalfPercent / digits.count).toBeGreaterThan(0.98);
  });

  it('keeps the labels and count and names the variant', () => {
    const rotated = rotate(digits, 15);
    expect(rotated.name).toBe('mnist-test-2000-rot15');
    expect(rotated.count).toBe(2000);
    expect(sameBytes(rotated.labels, digits.labels)).toBe(true);
    expect(() => rotate(digits, Number.NaN)).toThrow('rotate: the angle must be a finite number of degrees, got NaN.');
  });
});
