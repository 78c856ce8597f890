import { tf, assertNoTensorLeak, RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { inverseSoftplus } from '../posterior/softplus';
import { sampleLayerMoments, worstZ } from '../testing/moments.test-helpers';
import type { DenseVariationalOptions } from './dense-reparam';
import type { VariationalLayer } from './layer';

const IN = 5;
const OUT = 3;

/** A small layer with sizeable, unequal posterior scales, so the moments are informative. */
export function denseTestOptions(): DenseVariationalOptions {
  const s = new RandomStream(21, 'dense-test');
  const rho = (shape: number[]) => tf.tensor(s.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), inverseSoftplus(0.1), inverseSoftplus(0.6)), shape);
  return {
    inputSize: IN,
    units: OUT,
    rng: s,
    initial: {
      weight: { mu: s.normalTensor([IN, OUT], 0, 0.5), rho: rho([IN, OUT]) },
      bias: { mu: s.normalTensor([OUT], 0, 0.5), rho: rho([OUT]) },
    },
  };
}

export const denseTestInput = (): Tensor => tf.tensor2d([
  [0.9, -0.4, 1.3, 0, 0.2],
  [-0.7, 0.5, 0.8, 1.1, -0.3],
]);

/** The exact moments of every output: m = x mu + mu_b, v = x^2 sigma^2 + sigma_b^2, and cov(y_0j, y_1j). */
export function exactDenseMoments(layer: VariationalLayer, x: Tensor, crossCovariance: CrossCovariance) {
  return tf.tidy(() => {
    const sw = tf.square(tf.softplus(layer.weight.rho));
    const sb = tf.square(tf.softplus((layer.bias as NonNullable<typeof layer.bias>).rho));
    const mean = tf.add(tf.matMul(x, layer.weight.mu), (layer.bias as NonNullable<typeof layer.bias>).mu).dataSync();
    const variance = tf.add(tf.matMul(tf.square(x), sw), sb).dataSync();
    const shared = tf.matMul(tf.prod(x, 0, true), sw).dataSync(); // sum_i x_0i x_1i sigma_ij^2
    const bias = sb.dataSync();
    const covariance = Array.from({ length: OUT }, (_, j) => (crossCovariance === 'weights and bias' ? shared[j] + bias[j] : crossCovariance === 'bias' ? bias[j] : 0));
    return { mean: Array.from(mean), variance: Array.from(variance), covariance };
  });
}

/** Pairs (example 0, unit j) with (example 1, unit j): correlated only through what the batch shares. */
export const crossExamplePairs: [number, number][] = Array.from({ length: OUT }, (_, j) => [j, OUT + j]);

export type CrossCovariance = 'weights and bias' | 'bias' | 'none';

/**
 * The moment test: S passes, then the worst |z| of the sample moments against the exact mean and
 * variance and against each hypothesis on the cross-example covariance (from the same samples, so a
 * test can also check that the wrong hypotheses are rejected: the test has power).
 */
export function denseMomentZ(layer: VariationalLayer, S = 3000): Record<CrossCovariance, number> {
  const x = denseTestInput();
  const moments = sampleLayerMoments(layer, x, S, 5, crossExamplePairs);
  const z = (c: CrossCovariance) => worstZ(moments, exactDenseMoments(layer, x, c), crossExamplePairs);
  const result = { 'weights and bias': z('weights and bias'), bias: z('bias'), none: z('none') };
  x.dispose();
  return result;
}

/** Properties every variational dense layer has besides its moments. */
export function checkDenseLayerBasics(make: () => VariationalLayer): void {
  const layer = make();
  const x = denseTestInput();
  tf.tidy(() => {
    // the mean pass is exactly x mu + mu_b
    const meanPass = layer.call(x, new RandomStream(1, 'a'), { mode: 'mean' }).output;
    const expected = tf.add(tf.matMul(x, layer.weight.mu), (layer.bias as NonNullable<typeof layer.bias>).mu);
    expect(tf.max(tf.abs(tf.sub(meanPass, expected))).dataSync()[0]).toBeLessThan(1e-6);
    // the same stream state gives the same sample, another one a different sample
    const a = layer.call(x, new RandomStream(2, 'b')).output.dataSync();
    const b = layer.call(x, new RandomStream(2, 'b')).output.dataSync();
    const c = layer.call(x, new RandomStream(3, 'b')).output.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // every variable gets a gradient from data term + KL
    const rng = new RandomStream(4, 'g');
    const { grads } = tf.variableGrads(() => {
      const out = layer.call(x, rng);
      return tf.add(tf.sum(tf.square(out.output)), out.kl as Scalar) as Scalar;
    }, layer.variables());
    for (const v of layer.variables()) expect(tf.sum(tf.abs(grads[v.name])).dataSync()[0]).toBeGreaterThan(0);
    // the KL returned by call is the layer's closed-form KL (Gaussian prior)
    const fromCall = layer.call(x, rng).kl as Scalar;
    expect(fromCall.dataSync()[0]).toBeCloseTo(layer.kl().dataSync()[0], 2);
  });
  const rng = new RandomStream(6, 'leak');
  assertNoTensorLeak(
    () => {
      const { value, grads } = tf.variableGrads(() => {
        const out = layer.call(x, rng);
        return tf.add(tf.sum(out.output), out.kl as Scalar) as Scalar;
      }, layer.variables());
      tf.dispose([value, ...Object.values(grads)]);
    },
    { iterations: 3, label: layer.name },
  );
  expect(() => layer.call(tf.zeros([2, IN + 1]), rng)).toThrow(/expected shape \[\*, 5\]/);
  x.dispose();
  layer.dispose();
}
