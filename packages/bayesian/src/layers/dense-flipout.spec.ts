import { DenseFlipout } from './dense-flipout';
import { checkDenseLayerBasics, denseMomentZ, denseTestOptions } from './dense-layers.test-helpers';

describe('DenseFlipout', () => {
  it('has the same output mean and variance as DenseReparam, examples decorrelated except through the shared bias (4.5 standard errors, 3000 passes)', () => {
    const layer = new DenseFlipout(denseTestOptions());
    const z = denseMomentZ(layer);
    expect(z.bias).toBeLessThan(4.5);
    expect(z['weights and bias']).toBeGreaterThan(10); // the test tells the batch structures apart
    expect(z.none).toBeGreaterThan(10); // the test tells the batch structures apart
    layer.dispose();
  });

  it('mean pass, reproducibility, gradients, KL, no leaks, input check', () => {
    checkDenseLayerBasics(() => new DenseFlipout(denseTestOptions()));
  });
});
