import { tf, type Tensor } from '@cristal/tensor';
import { DEFAULT_SLOPES, spike, surrogate, surrogateDerivative, surrogateDerivativeTensor, type SurrogateKind } from './surrogates';

const kinds = Object.keys(DEFAULT_SLOPES) as SurrogateKind[];

/** The smooth functions whose derivatives the surrogates are. */
const primitives: Record<SurrogateKind, (a: number, x: number) => number> = {
  arctan: (a, x) => Math.atan((Math.PI / 2) * a * x) / Math.PI + 0.5,
  fastSigmoid: (a, x) => (a * x) / (1 + a * Math.abs(x)) / a, // x / (1 + a|x|): its derivative is 1 / (1 + a|x|)^2
  sigmoid: (a, x) => 1 / (1 + Math.exp(-a * x)),
  triangular: (a, x) => {
    const z = Math.max(-1, Math.min(1, a * x)); // integral of a max(0, 1 - a|x|)
    return z - (Math.sign(z) * z * z) / 2;
  },
  straightThrough: (_a, x) => x,
};

describe('surrogate gradients', () => {
  it.each(kinds)('%s: the derivative is the derivative of its smooth function (central differences)', (kind) => {
    const s = surrogate(kind, kind === 'triangular' ? 2 : DEFAULT_SLOPES[kind]);
    for (const x of [-0.7, -0.2, -0.03, 0.01, 0.1, 0.45]) {
      const h = 1e-6;
      const numeric = (primitives[kind](s.slope, x + h) - primitives[kind](s.slope, x - h)) / (2 * h);
      expect(surrogateDerivative(s, x)).toBeCloseTo(numeric, 5);
    }
  });

  it.each(kinds)('%s: the spike is an exact step forward and the surrogate backward', (kind) => {
    const s = surrogate(kind);
    const x = tf.tensor1d([-1, -0.1, 0, 0.05, 2]);
    expect(Array.from(spike(x, s).dataSync())).toEqual([0, 0, 0, 1, 1]);
    const g = tf.grad((v: Tensor) => tf.sum(spike(v, s)))(x);
    const expected = surrogateDerivativeTensor(s, x);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected.dataSync()[i], 6));
    Array.from(expected.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(surrogateDerivative(s, [-1, -0.1, 0, 0.05, 2][i]), 6));
    tf.dispose([x, g, expected]);
  });

  it('peaks at the threshold with the documented heights', () => {
    expect(surrogateDerivative(surrogate('arctan', 2), 0)).toBe(1);
    expect(surrogateDerivative(surrogate('fastSigmoid', 25), 0)).toBe(1);
    expect(surrogateDerivative(surrogate('sigmoid', 25), 0)).toBe(25 / 4);
    expect(() => surrogate('fastSigmoid', -1)).toThrow('Surrogate slope must be a positive number');
  });
});
