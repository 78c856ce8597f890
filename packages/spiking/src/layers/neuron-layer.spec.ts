import { tf, RandomStream, assertNoTensorLeak, type Scalar, type Tensor } from '@cristal/tensor';
import { ALIFLayer } from './alif-layer';
import { IzhikevichLayer } from './izhikevich-layer';
import { LeakyIntegratorLayer } from './leaky-integrator-layer';
import { LIFLayer } from './lif-layer';
import type { NeuronLayer } from './neuron-layer';
import { RecurrentLIFLayer } from './recurrent-lif-layer';
import { SynapticLayer } from './synaptic-layer';

const N = 4;
const B = 2;
const T = 7;

// Fixed recurrent weights (kept for the whole file).
// Parameters shared by the whole file (layers reference their parameters, they do not own them).
const recurrent = tf.keep(new RandomStream(1, 'layers').normalTensor([N, N], 0, 0.5));
const readoutBeta = tf.keep(tf.tensor1d([0.9, 0.8, 0.95, 0.5]));
afterAll(() => tf.dispose([recurrent, readoutBeta]));

type AnyLayer = NeuronLayer<Record<string, Tensor>>;

/** Each layer with an input scale that makes it fire within a few steps. */
const layers: [string, () => AnyLayer, number][] = [
  ['LIFLayer', () => new LIFLayer(N, { beta: 0.9, threshold: 1, reset: 'subtract' }) as unknown as AnyLayer, 1],
  ['ALIFLayer', () => new ALIFLayer(N, { beta: 0.9, rho: 0.9, adaptation: 0.3, reset: 'zero' }) as unknown as AnyLayer, 1],
  ['SynapticLayer', () => new SynapticLayer(N, { alpha: 0.7, beta: 0.85, threshold: 1 }) as unknown as AnyLayer, 1],
  ['RecurrentLIFLayer', () => new RecurrentLIFLayer(N, { beta: 0.9, threshold: 1, recurrentWeights: recurrent }) as unknown as AnyLayer, 1],
  ['LeakyIntegratorLayer', () => new LeakyIntegratorLayer(N, { beta: readoutBeta }) as unknown as AnyLayer, 1],
  ['IzhikevichLayer', () => new IzhikevichLayer(N, { preset: 'CH' }) as unknown as AnyLayer, 150],
];

function inputs(seed: number, scale: number, steps = T): Tensor {
  return new RandomStream(seed, 'layer-inputs').uniformTensor([steps, B, N], 0, scale);
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function stepThrough(layer: AnyLayer, xs: Tensor): Tensor {
  return tf.tidy(() => tf.stack(tf.unstack(xs).map((x) => layer.step(x))));
}

function stateDiff(a: AnyLayer, b: AnyLayer): number {
  const sa = a.state as Record<string, Tensor>;
  const sb = b.state as Record<string, Tensor>;
  expect(Object.keys(sa).sort()).toEqual(Object.keys(sb).sort());
  // relative: Izhikevich's states are in mV
  return Math.max(...Object.keys(sa).map((k) => maxAbsDiff(sa[k], sb[k]) / Math.max(1, tf.tidy(() => tf.max(tf.abs(sb[k])).dataSync()[0]))));
}

describe.each(layers)('%s', (_name, make, scale) => {
  it('single-step mode run T times equals multi-step mode, across two windows and mixed modes', () => {
    const single = make();
    const multi = make();
    const x1 = inputs(1, scale);
    const x2 = inputs(2, scale);
    const relative = (a: Tensor, b: Tensor) => maxAbsDiff(a, b) / Math.max(1, tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]));
    tf.tidy(() => {
      const a = stepThrough(single, x1);
      const b = multi.forward(x1);
      expect(a.shape).toEqual([T, B, N]);
      expect(relative(a, b)).toBeLessThan(1e-5);
      expect(stateDiff(single, multi)).toBeLessThan(1e-5);
      // window 2: the other way round, from the carried states
      const c = single.forward(x2);
      const d = stepThrough(multi, x2);
      expect(relative(c, d)).toBeLessThan(1e-5);
    });
    tf.tidy(() => {
      if (_name !== 'LeakyIntegratorLayer') expect(tf.sum(stepThrough(make(), x1)).dataSync()[0]).toBeGreaterThan(0); // it does fire
    });
    [single, multi].forEach((l) => l.dispose());
    tf.dispose([x1, x2]);
  });

  it('reset() restores the initial behaviour', () => {
    const layer = make();
    const xs = inputs(3, scale);
    tf.tidy(() => {
      const first = layer.forward(xs);
      const firstState = Object.values(layer.state as Record<string, Tensor>).map((t) => t.clone());
      layer.forward(xs); // continuing from the carried state ends elsewhere
      const continued = Object.values(layer.state as Record<string, Tensor>);
      expect(Math.max(...continued.map((t, i) => maxAbsDiff(t, firstState[i])))).toBeGreaterThan(1e-3);
      layer.reset();
      expect(layer.state).toBeNull();
      expect(maxAbsDiff(layer.forward(xs), first)).toBe(0);
      const again = Object.values(layer.state as Record<string, Tensor>);
      expect(Math.max(...again.map((t, i) => maxAbsDiff(t, firstState[i])))).toBe(0);
    });
    layer.dispose();
    xs.dispose();
  });

  it.each(['forward', 'step'])('detach() stops gradients across windows (%s mode)', (mode) => {
    const layer = make();
    const x1 = inputs(4, scale, 4);
    const x2 = inputs(5, scale, 4);
    const w = new RandomStream(6, 'layers').normalTensor([4, B, N]);
    const run = (xs: Tensor) => (mode === 'forward' ? layer.forward(xs) : stepThrough(layer, xs));
    const gradient = (detached: boolean) =>
      tf.grad((a: Tensor) => {
        layer.reset();
        run(a);
        if (detached) layer.detach();
        const out = run(x2);
        // the loss of window 2 sees its outputs and the carried state
        const state = Object.values(layer.state as Record<string, Tensor>).map((t) => tf.sum(t));
        return tf.addN([tf.sum(tf.mul(out, w)), ...state]);
      })(x1);
    tf.tidy(() => {
      const attached = gradient(false);
      expect(tf.max(tf.abs(attached)).dataSync()[0]).toBeGreaterThan(1e-6);
      const cut = gradient(true);
      expect(Array.from(cut.dataSync()).every((g) => g === 0)).toBe(true);
    });
    layer.dispose();
    tf.dispose([x1, x2, w]);
  });

  it('owns its state without leaking: steps, windows, detach and reset keep numTensors flat', () => {
    const layer = make();
    const xs = inputs(7, scale);
    const x = tf.tidy(() => tf.squeeze(tf.slice(xs, [0, 0, 0], [1, B, N]), [0]));
    assertNoTensorLeak(
      () => {
        layer.reset();
        tf.dispose(layer.forward(xs));
        tf.dispose(layer.step(x));
        layer.detach();
        tf.tidy(() => void layer.forward(xs)); // inside a tidy the state survives, the output does not
      },
      { iterations: 5, label: _name },
    );
    expect(layer.state).not.toBeNull();
    layer.dispose();
    expect(layer.state).toBeNull();
    tf.dispose([xs, x]);
  });

  it('rejects inputs of the wrong shape, and a batch change without reset()', () => {
    const layer = make();
    tf.tidy(() => {
      expect(() => layer.step(tf.zeros([B, N + 1]))).toThrow(`expects [B, ${N}], got [${B}, ${N + 1}]`);
      expect(() => layer.forward(tf.zeros([B, N]))).toThrow(`expects [T, B, ${N}], got [${B}, ${N}]`);
      layer.step(tf.zeros([B, N]));
      expect(() => layer.step(tf.zeros([B + 1, N]))).toThrow(`the batch size changed from ${B} to ${B + 1}; call reset() first.`);
      layer.reset();
      expect(layer.step(tf.zeros([B + 1, N])).shape).toEqual([B + 1, N]);
    });
    layer.dispose();
  });
});

describe('layer parameters', () => {
  it('are checked against the layer size', () => {
    tf.tidy(() => {
      expect(() => new LIFLayer(3, { beta: tf.ones([4]) })).toThrow('beta must be a number, a scalar or a vector of 3 (one per neuron), got shape [4].');
      expect(() => new RecurrentLIFLayer(3, { beta: 0.9, recurrentWeights: tf.zeros([2, 2]) })).toThrow('recurrentWeights must be [3, 3], got [2, 2].');
      expect(() => new ALIFLayer(0, { beta: 0.9, rho: 0.9, adaptation: 0.1 })).toThrow('A layer needs a positive integer number of neurons, got 0.');
    });
  });

  it('learnable parameters receive gradients through both modes, equal in both', () => {
    const beta = tf.variable(tf.tensor1d([0.9, 0.8, 0.85, 0.95]));
    const threshold = tf.variable(tf.scalar(1));
    const xs = inputs(8, 1);
    const grads = (mode: 'step' | 'forward') => {
      const layer = new ALIFLayer(N, { beta, threshold, rho: 0.9, adaptation: 0.2 });
      const { grads: g, value } = tf.variableGrads(() => tf.sum(mode === 'forward' ? layer.forward(xs) : stepThrough(layer as unknown as AnyLayer, xs)) as Scalar, [beta, threshold]);
      layer.dispose();
      value.dispose();
      return g;
    };
    const a = grads('forward');
    const b = grads('step');
    expect(tf.tidy(() => tf.max(tf.abs(a[beta.name])).dataSync()[0])).toBeGreaterThan(0);
    expect(maxAbsDiff(a[beta.name], b[beta.name])).toBeLessThan(1e-5);
    expect(maxAbsDiff(a[threshold.name], b[threshold.name])).toBeLessThan(1e-5);
    tf.dispose([beta, threshold, xs, ...Object.values(a), ...Object.values(b)]);
  });
});
