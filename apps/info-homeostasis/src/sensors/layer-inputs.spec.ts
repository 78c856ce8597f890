import { Activation, DenseLocalReparam, DenseReparam, McDropout, Sequential, type Layer } from '@cristal/bayesian';
import { RandomStream, tf, type Tensor } from '@cristal/tensor';
import { disposeLayerInputs, layerInputs } from './layer-inputs';

/** x W + b and ReLU in float64 loops, for an independent check of the mean pass. */
function denseByHand(x: number[][], w: number[][], b: number[], relu: boolean): number[][] {
  return x.map((row) => b.map((bj, j) => Math.max(relu ? 0 : -Infinity, row.reduce((acc, xi, i) => acc + xi * w[i][j], bj))));
}

const values = (t: Tensor) => t.arraySync() as number[][];

describe('layerInputs', () => {
  const s = new RandomStream(21, 'inputs');
  const first = new DenseReparam({ name: 'first', inputSize: 4, units: 3, activation: 'relu', rng: s, rhoInit: 0 });
  const second = new DenseLocalReparam({ name: 'second', inputSize: 3, units: 2, rng: s, rhoInit: 0 });
  // noticeable noise (rho = 0) and dropout rate 0.5: a sampling pass would be far from these values
  const layers: Layer[] = [first, new McDropout(0.5), new Activation('tanh'), second];
  const x = s.normalTensor([5, 4]);

  afterAll(() => {
    x.dispose();
    layers.forEach((l) => l.dispose());
  });

  it('returns the input of every layer of the posterior-mean pass, and its output', () => {
    const rng = new RandomStream(22, 'noise');
    const passed = layerInputs(layers, x, rng);
    expect(passed.inputs).toHaveLength(4);
    const h1 = denseByHand(values(x), values(first.weight.mu), Array.from(first.bias?.mu.dataSync() ?? []), true);
    const h3 = h1.map((row) => row.map(Math.tanh));
    const out = denseByHand(h3, values(second.weight.mu), Array.from(second.bias?.mu.dataSync() ?? []), false);
    const close = (t: Tensor, expected: number[][]) => values(t).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-5)));
    expect(values(passed.inputs[0])).toEqual(values(x));
    close(passed.inputs[1], h1);
    close(passed.inputs[2], h1); // dropout is the identity in the mean pass
    close(passed.inputs[3], h3);
    close(passed.output, out);
    // and the same as the model's own mean pass
    const own = new Sequential(layers).call(x, rng, { mode: 'mean' });
    expect(values(passed.output)).toEqual(values(own.output));
    tf.dispose([own.output, own.kl]);
    disposeLayerInputs(passed);
  });

  it('hands every tensor to the caller: disposing them restores the count, x stays alive, the stream does not move', () => {
    const rng = new RandomStream(23, 'noise');
    const state = rng.getState();
    const before = tf.memory().numTensors;
    const passed = layerInputs(layers, x, rng);
    expect(tf.memory().numTensors).toBe(before + 5); // 4 inputs and the output
    disposeLayerInputs(passed);
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    expect(rng.getState()).toEqual(state);
  });

  it('frees what it made when a layer throws, and says what is wrong', () => {
    const rng = new RandomStream(24, 'noise');
    const wrong = tf.zeros([2, 5]);
    const before = tf.memory().numTensors;
    expect(() => layerInputs(layers, wrong, rng)).toThrow(/first input: expected shape \[\*, 4\], got \[2, 5\]/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => layerInputs([], x, rng)).toThrow(/no layers given/);
    wrong.dispose();
  });
});
