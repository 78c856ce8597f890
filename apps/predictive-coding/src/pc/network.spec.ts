// Architecture, options, seeded initialisation and the feedforward sweep.
import { tf, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture, REFERENCE_ARCHITECTURE, weightLayerCount } from './architecture';
import { feedforwardSweep, predict } from './feedforward';
import { assertParamsMatch, disposePcParams, initPcParams, readParams } from './params';
import { DEFAULT_PC_OPTIONS, resolvePcOptions, updateScale } from './pc-options';
import { randomRefCase, refFeedforward, t2, toParams } from './pc.test-helpers';

describe('pcArchitecture', () => {
  it('validates sizes and activation with messages that say how to fix them', () => {
    expect(() => pcArchitecture([784])).toThrow(/at least an input and an output layer/);
    expect(() => pcArchitecture([784, 0, 10])).toThrow(/Layer 1 size must be a positive integer, got 0/);
    expect(() => pcArchitecture([4, 2], 'gelu' as never)).toThrow(/Unknown activation "gelu": use one of tanh, sigmoid, relu, linear/);
    expect(weightLayerCount(REFERENCE_ARCHITECTURE)).toBe(3);
    expect(REFERENCE_ARCHITECTURE.sizes).toEqual([784, 256, 256, 10]);
  });
});

describe('resolvePcOptions', () => {
  const arch = pcArchitecture([4, 3, 2]);
  it('defaults to torch_pc.py: T = 20, step 0.1, no momentum, unit precisions, clamped, standard', () => {
    expect(resolvePcOptions(arch)).toEqual({ ...DEFAULT_PC_OPTIONS, precisions: [1, 1] });
  });
  it('expands one precision to every layer and scales nudged updates by 1/gamma unless told not to', () => {
    expect(resolvePcOptions(arch, { precisions: 0.5 }).precisions).toEqual([0.5, 0.5]);
    expect(updateScale(resolvePcOptions(arch, { target: { kind: 'nudged', precision: 0.25 } }))).toBe(4);
    expect(updateScale(resolvePcOptions(arch, { target: { kind: 'nudged', precision: 0.25, rescaleUpdates: false } }))).toBe(1);
    expect(updateScale(resolvePcOptions(arch))).toBe(1);
  });
  it.each([
    [{ inferenceSteps: 2.5 }, /inferenceSteps \(T\) must be a non-negative integer/],
    [{ stepSize: 0 }, /stepSize \(eta\) must be a positive number/],
    [{ momentum: 1 }, /momentum must be in \[0, 1\)/],
    [{ precisions: [1, -1] }, /precision pi_2 must be a positive number/],
    [{ predictions: 'frozen' }, /predictions must be 'recomputed'/],
    [{ target: { kind: 'nudged', precision: 0 } }, /nudged target needs a positive precision gamma/],
    [{ target: { kind: 'soft' } }, /target.kind must be 'clamped' or 'nudged'/],
  ])('rejects %j', (input, message) => {
    expect(() => resolvePcOptions(arch, input as never)).toThrow(message);
  });
});

describe('initPcParams', () => {
  it('draws W_l ~ N(0, 1/n_l) and b_l = 0, the same bits for the same seed', () => {
    const a = initPcParams(REFERENCE_ARCHITECTURE, 0);
    const b = initPcParams(REFERENCE_ARCHITECTURE, 0);
    const c = initPcParams(REFERENCE_ARCHITECTURE, 1);
    assertParamsMatch(REFERENCE_ARCHITECTURE, a);
    const [va, vb, vc] = [readParams(a), readParams(b), readParams(c)];
    expect(va).toEqual(vb);
    expect(va.weights[0]).not.toEqual(vc.weights[0]);
    va.weights.forEach((w, l) => {
      const n = REFERENCE_ARCHITECTURE.sizes[l];
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
      // sampling error of the variance of 2560..200704 normals: under 3% (relative)
      expect(Math.abs(variance * n - 1)).toBeLessThan(0.03 + 4 * Math.sqrt(2 / w.length));
      expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n * w.length));
    });
    va.biases.forEach((bias) => expect(bias.every((v) => v === 0)).toBe(true));
    [a, b, c].forEach(disposePcParams);
  });

  it('assertParamsMatch names the layer and shapes that do not fit', () => {
    const p = initPcParams(pcArchitecture([4, 3, 2]), 0);
    expect(() => assertParamsMatch(pcArchitecture([4, 5, 2]), p)).toThrow(/W_0 has shape \[4, 3\], expected \[4, 5\]/);
    expect(() => assertParamsMatch(pcArchitecture([4, 2]), p)).toThrow(/2 weight and 2 bias tensors; the architecture \[4, 2\] has 1 layers/);
    disposePcParams(p);
  });
});

describe('feedforwardSweep', () => {
  it('computes x̄_{l+1} = f(x̄_l) W_l + b_l with f_0 = identity (vs the float64 oracle)', () => {
    for (const activation of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
      const sizes = [6, 5, 4, 3];
      const { net, x0 } = randomRefCase(sizes, activation, 5, 2, 2);
      const params = toParams(net);
      const x = t2(x0);
      const nodes = feedforwardSweep(params, pcArchitecture(sizes, activation), x);
      const ref = refFeedforward(net, x0);
      expect(nodes[0]).toBe(x);
      nodes.forEach((node, l) => (node.arraySync() as number[][]).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref[l][i][j])).toBeLessThan(1e-6))));
      const prediction = predict(params, pcArchitecture(sizes, activation), x);
      expect(prediction.arraySync()).toEqual(nodes[3].arraySync());
      tf.dispose([...nodes, prediction]);
      disposePcParams(params);
    }
  });

  it('rejects inputs of the wrong width or dtype', () => {
    const arch = pcArchitecture([4, 2]);
    const p = initPcParams(arch, 0);
    const wide = tf.zeros([2, 5]) as Tensor2D;
    const ints = tf.zeros([2, 4], 'int32') as Tensor2D;
    expect(() => feedforwardSweep(p, arch, wide)).toThrow(/input must have shape \[batch, 4\], got \[2, 5\]/);
    expect(() => feedforwardSweep(p, arch, ints)).toThrow(/input must be float32, got int32/);
    tf.dispose([wide, ints]);
    disposePcParams(p);
  });
});
