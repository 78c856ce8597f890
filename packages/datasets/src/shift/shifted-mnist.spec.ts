import { sliceImageSet } from '../image-set/image-set';
import { loadMnist } from '../mnist/load-mnist';
import { sameBytes } from '../testing/fixtures.test-helpers';
import { gaussianNoise } from './gaussian-noise';
import { rotate } from './rotate';
import { NOISE_STDS, noiseStreamFor, ROTATION_ANGLES, ShiftedTestSets, shiftedMnistTest, TRANSLATION_PIXELS } from './shifted-mnist';
import { translate } from './translate';

describe('shifted MNIST test sets', () => {
  const test = loadMnist().test;
  const base = sliceImageSet(test, 0, 1000, 'mnist-test-1000');

  it('uses the rotation angles of Ovadia et al.: 0..180 degrees in steps of 15', () => {
    expect(ROTATION_ANGLES).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180]);
    expect(NOISE_STDS[0]).toBe(0);
    expect(TRANSLATION_PIXELS).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
  });

  it('generates each variant once and keeps it', () => {
    const sets = new ShiftedTestSets(base);
    const rotated = sets.rotated(45);
    expect(sets.rotated(45)).toBe(rotated);
    expect(sameBytes(rotated.images, rotate(base, 45).images)).toBe(true);
    expect(sameBytes(sets.translated(4).images, translate(base, 4, 0).images)).toBe(true);
  });

  it('generates noise deterministically from a stream fixed by the strength', () => {
    // Fewer images: normal draws are slow under Jest's VM context.
    const base = sliceImageSet(test, 0, 200, 'mnist-test-200');
    const a = new ShiftedTestSets(base).noisy(32);
    const b = new ShiftedTestSets(base).noisy(32);
    expect(a).not.toBe(b);
    expect(sameBytes(a.images, b.images)).toBe(true);
    expect(sameBytes(a.images, gaussianNoise(base, 32, noiseStreamFor(32)).images)).toBe(true);
    // Generating another strength first does not change this one.
    const sets = new ShiftedTestSets(base);
    sets.noisy(16);
    expect(sameBytes(sets.noisy(32).images, a.images)).toBe(true);
  });

  it('shiftedMnistTest() works on the MNIST test set and is shared per process', () => {
    const sets = shiftedMnistTest();
    expect(sets.base).toBe(test);
    expect(shiftedMnistTest()).toBe(sets);
    expect(sets.rotated(0).count).toBe(10000);
  });
});
