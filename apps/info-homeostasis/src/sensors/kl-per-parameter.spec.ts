import { Activation, DenseReparam, gaussianPrior, scaleMixturePrior, Sequential } from '@cristal/bayesian';
import { assertNoTensorLeak, RandomStream, RandomStreams } from '@cristal/tensor';
import { klPerParameter, klPerParameterByLayer } from './kl-per-parameter';
import { handDenseLayer, HAND, relativeDifference, storedPosterior } from './sensor-layers.test-helpers';

/** KL(N(m, s^2) || N(m0, s0^2)) in float64, the closed form written out. */
function klGaussian(m: number, s: number, m0: number, s0: number): number {
  return Math.log(s0 / s) + (s * s + (m - m0) ** 2) / (2 * s0 * s0) - 0.5;
}

describe('klPerParameter', () => {
  it('is the closed-form KL to N(0, 1) of the 2 x 2 hand layer divided by its 6 parameters', () => {
    const layer = handDenseLayer();
    // by hand, with the chosen sigmas: sum over the 6 parameters of -ln s + (s^2 + m^2) / 2 - 1/2
    const chosen = [...HAND.weightMu.flat().map((m, i) => [m, HAND.weightSigma.flat()[i]]), ...HAND.biasMu.map((m, i) => [m, HAND.biasSigma[i]])];
    const byHand = chosen.reduce((acc, [m, s]) => acc + klGaussian(m, s, 0, 1), 0) / 6;
    // the same closed form on the float32 values the layer actually stores
    const { mu, sigma } = storedPosterior(layer);
    const exact = mu.reduce((acc, m, i) => acc + klGaussian(m, sigma[i], 0, 1), 0) / 6;
    const measured = klPerParameter(layer);
    expect(layer.parameterCount).toBe(6);
    expect(relativeDifference(measured, exact)).toBeLessThan(1e-6);
    expect(relativeDifference(measured, byHand)).toBeLessThan(1e-5);
    // term by term: weights 1.932585 + 1.629438 + 0.780223 + 0.621291, biases 0.323147 + 0.338147
    expect(byHand).toBeCloseTo(5.624831 / 6, 6);
    layer.dispose();
  });

  it('follows the prior: N(0.5, 2^2) changes every term as the closed form says', () => {
    const s = new RandomStream(3, 'kl-prior');
    const layer = new DenseReparam({ name: 'p', inputSize: 3, units: 2, rng: s, prior: gaussianPrior({ std: 2, mean: 0.5 }), rhoInit: -1 });
    const { mu, sigma } = storedPosterior(layer);
    const exact = mu.reduce((acc, m, i) => acc + klGaussian(m, sigma[i], 0.5, 2), 0) / 8;
    expect(relativeDifference(klPerParameter(layer), exact)).toBeLessThan(1e-6);
    layer.dispose();
  });

  it('reports every variational layer by name, skips the others, and leaks no tensor', () => {
    const s = new RandomStream(4, 'kl-model');
    const model = new Sequential([
      new DenseReparam({ name: 'first', inputSize: 4, units: 3, rng: s }),
      new Activation('relu'),
      new DenseReparam({ name: 'second', inputSize: 3, units: 2, rng: s, rhoInit: -2 }),
    ]);
    const byLayer = klPerParameterByLayer(model.layers);
    expect(Object.keys(byLayer)).toEqual(['first', 'second']);
    expect(byLayer.first).toBe(klPerParameter(model.variationalLayers()[0]));
    expect(byLayer.second).toBe(klPerParameter(model.variationalLayers()[1]));
    assertNoTensorLeak(() => klPerParameterByLayer(model.layers), { label: 'klPerParameterByLayer' });
    model.dispose();
  });

  it('needs a stream for a prior without closed form, and is then reproducible from the stream state', () => {
    const rng = new RandomStreams(5);
    const layer = new DenseReparam({ name: 'mix', inputSize: 3, units: 2, rng: rng.init, prior: scaleMixturePrior({ pi: 0.5, std1: 1, std2: Math.exp(-6) }) });
    expect(() => klPerParameter(layer)).toThrow(/pass a random stream/);
    const a = klPerParameter(layer, new RandomStream(6, 'kl'));
    const b = klPerParameter(layer, new RandomStream(6, 'kl'));
    expect(a).toBe(b);
    expect(Number.isFinite(a)).toBe(true);
    layer.dispose();
  });

  it('refuses two layers with one name, since the readings are keyed by name', () => {
    const s = new RandomStream(7, 'dup');
    const layers = [new DenseReparam({ name: 'same', inputSize: 2, units: 2, rng: s }), new DenseReparam({ name: 'same', inputSize: 2, units: 2, rng: s })];
    expect(() => klPerParameterByLayer(layers)).toThrow(/'same' name more than one layer/);
    layers.forEach((l) => l.dispose());
  });
});
