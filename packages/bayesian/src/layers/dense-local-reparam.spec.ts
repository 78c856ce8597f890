import { DenseLocalReparam } from './dense-local-reparam';
import { checkDenseLayerBasics, denseMomentZ, denseTestOptions } from './dense-layers.test-helpers';

describe('DenseLocalReparam', () => {
  it('has the same output mean and variance as DenseReparam, and independent examples (4.5 standard errors, 3000 passes)', () => {
    const layer = new DenseLocalReparam(denseTestOptions());
    const z = denseMomentZ(layer);
    expect(z.none).toBeLessThan(4.5);
    expect(z['weights and bias']).toBeGreaterThan(10); // the test tells the batch structures apart
    layer.dispose();
  });

  it('mean pass, reproducibility, gradients, KL, no leaks, input check', () => {
    checkDenseLayerBasics(() => new DenseLocalReparam(denseTestOptions()));
  });
});
