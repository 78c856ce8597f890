import { tf, assertNoTensorLeak, RandomStream, type Tensor4D } from '@cristal/tensor';
import { Conv2d } from './conv2d';
import { Dense } from './dense';

/**
 * NHWC convolution with TensorFlow's padding rule, in float64 loops: 'same' gives ceil(size / stride)
 * outputs with floor(total / 2) padding before and the rest after; 'valid' none.
 */
function loopConv(x: Float32Array, [B, H, W, C]: number[], k: Float32Array, [kh, kw, , F]: number[], bias: Float32Array | null, [sh, sw]: number[], padding: 'same' | 'valid') {
  const outH = padding === 'same' ? Math.ceil(H / sh) : Math.floor((H - kh) / sh) + 1;
  const outW = padding === 'same' ? Math.ceil(W / sw) : Math.floor((W - kw) / sw) + 1;
  const top = padding === 'same' ? Math.floor(Math.max((outH - 1) * sh + kh - H, 0) / 2) : 0;
  const left = padding === 'same' ? Math.floor(Math.max((outW - 1) * sw + kw - W, 0) / 2) : 0;
  const y = new Float64Array(B * outH * outW * F);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < outH; i++)
      for (let j = 0; j < outW; j++)
        for (let f = 0; f < F; f++) {
          let s = bias ? bias[f] : 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const r = i * sh + di - top;
              const c = j * sw + dj - left;
              if (r < 0 || r >= H || c < 0 || c >= W) continue;
              for (let ch = 0; ch < C; ch++) s += x[((b * H + r) * W + c) * C + ch] * k[((di * kw + dj) * C + ch) * F + f];
            }
          y[((b * outH + i) * outW + j) * F + f] = s;
        }
  return { y, shape: [B, outH, outW, F] };
}

describe('Conv2d (point estimate)', () => {
  it.each([
    ['valid', 1],
    ['valid', 2],
    ['same', 1],
    ['same', 2],
  ] as const)('computes conv(x, K) + b (NHWC, HWIO) as a float64 loop and tf.conv2d do: %s padding, stride %i', (padding, stride) => {
    const layer = new Conv2d({ inChannels: 3, filters: 4, kernelSize: [3, 2], strides: stride, padding, rng: new RandomStream(1, 'init') });
    // a non-zero bias, so that adding it is tested too
    tf.tidy(() => (layer.bias as NonNullable<typeof layer.bias>).assign(tf.tensor([0.5, -0.25, 1, 0])));
    const x = new RandomStream(2, 'x').uniformTensor([2, 7, 6, 3], -1, 1) as Tensor4D;
    const out = layer.call(x).output;
    const loop = loopConv(x.dataSync() as Float32Array, x.shape, layer.kernel.dataSync() as Float32Array, layer.kernelShape, (layer.bias as NonNullable<typeof layer.bias>).dataSync() as Float32Array, [stride, stride], padding);
    expect(out.shape).toEqual(loop.shape);
    const actual = out.dataSync();
    const worst = loop.y.reduce((m, v, i) => Math.max(m, Math.abs(v - actual[i])), 0);
    expect(worst).toBeLessThan(1e-5);
    const direct = tf.tidy(() => tf.add(tf.conv2d(x, layer.kernel as unknown as Tensor4D, stride, padding), layer.bias as NonNullable<typeof layer.bias>));
    expect(Array.from(actual)).toEqual(Array.from(direct.dataSync()));
    tf.dispose([x, out, direct]);
    layer.dispose();
  });

  it('draws He-normal kernels N(0, 2 / (kh kw in)) (4.5 standard errors), reproducibly from the stream; Glorot and zeros on request; optional bias', () => {
    const he = new Conv2d({ inChannels: 4, filters: 8, kernelSize: 5, rng: new RandomStream(3, 'init') });
    const values = Array.from(he.kernel.dataSync());
    const n = values.length;
    const variance = values.reduce((s, v) => s + v * v, 0) / n;
    const expected = 2 / (5 * 5 * 4);
    // the variance of a zero-mean normal's sample second moment is 2 sigma^4 / n
    expect(Math.abs(variance - expected) / (expected * Math.sqrt(2 / n))).toBeLessThan(4.5);
    const again = new Conv2d({ inChannels: 4, filters: 8, kernelSize: 5, rng: new RandomStream(3, 'init') });
    expect(Array.from(again.kernel.dataSync())).toEqual(values);
    expect(Array.from((he.bias as NonNullable<typeof he.bias>).dataSync())).toEqual(Array(8).fill(0));
    const glorot = new Conv2d({ inChannels: 4, filters: 8, kernelSize: 5, init: { kind: 'glorot' }, rng: new RandomStream(4, 'init') });
    const gv = Array.from(glorot.kernel.dataSync());
    const gExpected = 2 / (5 * 5 * 4 + 5 * 5 * 8);
    expect(Math.abs(gv.reduce((s, v) => s + v * v, 0) / n - gExpected) / (gExpected * Math.sqrt(2 / n))).toBeLessThan(4.5);
    const plain = new Conv2d({ inChannels: 1, filters: 2, kernelSize: 3, init: { kind: 'zeros' }, useBias: false, rng: new RandomStream(5, 'init') });
    expect(plain.bias).toBeNull();
    expect(plain.variables()).toEqual([plain.kernel]);
    expect(Array.from(plain.kernel.dataSync())).toEqual(Array(18).fill(0));
    for (const l of [he, again, glorot, plain]) l.dispose();
  });

  it('checks its input and options, has no KL and leaks nothing', () => {
    const layer = new Conv2d({ inChannels: 2, filters: 3, kernelSize: 3, name: 'c1', rng: new RandomStream(6, 'init') });
    const x = tf.zeros([1, 5, 5, 2]);
    expect(layer.call(x).kl).toBeNull();
    assertNoTensorLeak(() => layer.call(x).output.dispose(), { label: 'Conv2d' });
    expect(() => tf.tidy(() => layer.call(tf.zeros([1, 5, 5, 3])).output)).toThrow(/c1 input \(NHWC\)/);
    expect(() => new Conv2d({ inChannels: 2, filters: 0, kernelSize: 3, rng: new RandomStream(1, 'i') })).toThrow('conv2d: inChannels, filters and the kernel size must be positive integers, got [2, 0, 3, 3].');
    expect(() => new Conv2d({ inChannels: 2, filters: 3, kernelSize: 3, strides: [1, 0], rng: new RandomStream(1, 'i') })).toThrow('conv2d: strides must be positive integers, got [1, 0].');
    expect(() => new Conv2d({ inChannels: 2, filters: 3, kernelSize: 3, padding: 'full' as 'same', rng: new RandomStream(1, 'i') })).toThrow("conv2d: padding must be 'valid' or 'same', got full.");
    x.dispose();
    layer.dispose();
  });

  it('frees everything it made when disposed (Conv2d and Dense, with and without bias)', () => {
    assertNoTensorLeak(
      (i) => {
        new Conv2d({ inChannels: 2, filters: 3, kernelSize: 3, useBias: i % 2 === 0, rng: new RandomStream(i, 'init') }).dispose();
        new Dense({ inputSize: 4, units: 3, useBias: i % 2 === 0, rng: new RandomStream(i, 'init') }).dispose();
      },
      { label: 'constructing and disposing point layers' },
    );
  });
});
