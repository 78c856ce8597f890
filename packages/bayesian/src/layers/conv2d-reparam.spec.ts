import { Conv2dReparam } from './conv2d-reparam';
import { checkConvLayerBasics, convMomentZ, convTestOptions } from './conv2d-layers.test-helpers';

describe('Conv2dReparam', () => {
  it.each(['valid', 'same'] as const)(
    'outputs have mean conv(x, mu) + mu_b and variance conv(x^2, sigma^2) + sigma_b^2, one kernel sample per batch (%s padding, 4.5 standard errors, 2000 passes)',
    (padding) => {
      const layer = new Conv2dReparam(convTestOptions(padding));
      const z = convMomentZ(layer, padding);
      expect(z['weights and bias']).toBeLessThan(4.5);
      expect(z.bias).toBeGreaterThan(10);
      layer.dispose();
    },
  );

  it('mean pass, reproducibility, gradients, no leaks, input check', () => {
    checkConvLayerBasics(() => new Conv2dReparam(convTestOptions()));
  });
});
