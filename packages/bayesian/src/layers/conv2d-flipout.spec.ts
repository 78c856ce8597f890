import { Conv2dFlipout } from './conv2d-flipout';
import { checkConvLayerBasics, convMomentZ, convTestOptions } from './conv2d-layers.test-helpers';

describe('Conv2dFlipout', () => {
  it.each(['valid', 'same'] as const)(
    'has the same output mean and variance as Conv2dReparam, examples decorrelated except through the bias (%s padding, 4.5 standard errors, 2000 passes)',
    (padding) => {
      const layer = new Conv2dFlipout(convTestOptions(padding));
      const z = convMomentZ(layer, padding);
      expect(z.bias).toBeLessThan(4.5);
      expect(z['weights and bias']).toBeGreaterThan(10);
      layer.dispose();
    },
  );

  it('mean pass, reproducibility, gradients, no leaks, input check', () => {
    checkConvLayerBasics(() => new Conv2dFlipout(convTestOptions()));
  });
});
