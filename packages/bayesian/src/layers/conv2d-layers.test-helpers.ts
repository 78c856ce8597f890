import { tf, assertNoTensorLeak, RandomStream, type Scalar, type Tensor4D } from '@cristal/tensor';
import { inverseSoftplus } from '../posterior/softplus';
import { sampleLayerMoments, worstZ } from '../testing/moments.test-helpers';
import type { Conv2dVariationalOptions } from './conv2d-reparam';
import type { VariationalLayer } from './layer';

const KH = 3;
const IN = 2;
const OUT = 3;

export function convTestOptions(padding: 'same' | 'valid' = 'valid'): Conv2dVariationalOptions {
  const s = new RandomStream(31, 'conv-test');
  const rho = (shape: number[]) => tf.tensor(s.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), inverseSoftplus(0.1), inverseSoftplus(0.5)), shape);
  const kernel = [KH, KH, IN, OUT];
  return {
    inChannels: IN,
    filters: OUT,
    kernelSize: KH,
    padding,
    rng: s,
    initial: { weight: { mu: s.normalTensor(kernel, 0, 0.4), rho: rho(kernel) }, bias: { mu: s.normalTensor([OUT], 0, 0.4), rho: rho([OUT]) } },
  };
}

/** Two 5 x 5 images with two channels (NHWC). */
export const convTestInput = (): Tensor4D => new RandomStream(32, 'conv-x').uniformTensor([2, 5, 5, IN], -1, 1) as Tensor4D;

/**
 * Each output is a linear combination of independent Gaussian weights, so exactly
 *   mean = conv(x, mu) + mu_b,  variance = conv(x^2, sigma^2) + sigma_b^2,
 * and two examples at the same output covary by conv(x_0 x_1, sigma^2) + sigma_b^2 when they share
 * the kernel sample, by sigma_b^2 when they share only the bias sample.
 */
export function exactConvMoments(layer: VariationalLayer, x: Tensor4D, padding: 'same' | 'valid', crossCovariance: 'weights and bias' | 'bias') {
  return tf.tidy(() => {
    const bias = layer.bias as NonNullable<typeof layer.bias>;
    const sk = tf.square(tf.softplus(layer.weight.rho)) as Tensor4D;
    const sb = tf.square(tf.softplus(bias.rho));
    const mean = tf.add(tf.conv2d(x, layer.weight.mu as Tensor4D, 1, padding), bias.mu).dataSync();
    const variance = tf.add(tf.conv2d(tf.square(x), sk, 1, padding), sb).dataSync();
    const [x0, x1] = tf.split(x, 2, 0);
    const shared = crossCovariance === 'weights and bias' ? tf.add(tf.conv2d(tf.mul(x0, x1) as Tensor4D, sk, 1, padding), sb) : tf.add(tf.zerosLike(tf.conv2d(x0 as Tensor4D, sk, 1, padding)), sb);
    return { mean: Array.from(mean), variance: Array.from(variance), covariance: Array.from(shared.dataSync()) };
  });
}

export function convMomentZ(layer: VariationalLayer, padding: 'same' | 'valid', S = 2000): Record<'weights and bias' | 'bias', number> {
  const x = convTestInput();
  const perExample = tf.tidy(() => layer.call(x, new RandomStream(0, 'shape'), { mode: 'mean' }).output.size / 2);
  const pairs: [number, number][] = Array.from({ length: perExample }, (_, i) => [i, perExample + i]);
  const moments = sampleLayerMoments(layer, x, S, 7, pairs);
  const z = (c: 'weights and bias' | 'bias') => worstZ(moments, exactConvMoments(layer, x, padding, c), pairs);
  const result = { 'weights and bias': z('weights and bias'), bias: z('bias') };
  x.dispose();
  return result;
}

export function checkConvLayerBasics(make: () => VariationalLayer): void {
  const layer = make();
  const x = convTestInput();
  tf.tidy(() => {
    const bias = layer.bias as NonNullable<typeof layer.bias>;
    const meanPass = layer.call(x, new RandomStream(1, 'a'), { mode: 'mean' }).output;
    const expected = tf.add(tf.conv2d(x, layer.weight.mu as Tensor4D, 1, 'valid'), bias.mu);
    expect(meanPass.shape).toEqual([2, 3, 3, OUT]);
    expect(tf.max(tf.abs(tf.sub(meanPass, expected))).dataSync()[0]).toBeLessThan(1e-5);
    const a = layer.call(x, new RandomStream(2, 'b')).output.dataSync();
    const b = layer.call(x, new RandomStream(2, 'b')).output.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const rng = new RandomStream(4, 'g');
    const { grads } = tf.variableGrads(() => {
      const out = layer.call(x, rng);
      return tf.add(tf.sum(tf.square(out.output)), out.kl as Scalar) as Scalar;
    }, layer.variables());
    for (const v of layer.variables()) expect(tf.sum(tf.abs(grads[v.name])).dataSync()[0]).toBeGreaterThan(0);
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
  expect(() => layer.call(tf.zeros([2, 5, 5, IN + 1]), rng)).toThrow(/NHWC/);
  x.dispose();
  layer.dispose();
}

