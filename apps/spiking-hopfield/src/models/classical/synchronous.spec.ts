import { tf, RandomStreams, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { retrieveSynchronous, synchronousStep } from './synchronous';

function randomSymmetric(seed: number, d: number): Tensor {
  return tf.tidy(() => {
    const a = new RandomStreams(seed).init.normalTensor([d, d]);
    return tf.mul(tf.add(a, tf.transpose(a)), tf.sub(1, tf.eye(d)));
  });
}

describe('synchronous dynamics', () => {
  it('updates every neuron to the sign of its field W s at once, keeping exact ties', () => {
    // fields: row 1: W s = [-1, 1, 0] -> [-1, 1, keep]
    const w = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    const s = tf.tensor2d([
      [1, -1, -1],
      [1, 1, 1],
    ]);
    expect(synchronousStep(w, s).arraySync()).toEqual([
      [-1, 1, -1],
      [1, 1, 1],
    ]);
    tf.dispose([w, s]);
  });

  it('uses W_ij s_j (rows of W) for a non-symmetric W', () => {
    const w = tf.tensor2d([
      [0, 2],
      [-3, 0],
    ]);
    const s = tf.tensor2d([[1, 1]]);
    // h_0 = 2, h_1 = -3
    expect(synchronousStep(w, s).arraySync()).toEqual([[1, -1]]);
    tf.dispose([w, s]);
  });

  it('reports fixed points and 2-cycles (W = [[0, 1], [1, 0]]: [1, -1] <-> [-1, 1])', () => {
    const w = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const s = tf.tensor2d([
      [1, -1],
      [1, 1],
    ]);
    const result = retrieveSynchronous(w, s);
    expect(result.outcome).toEqual(['two-cycle', 'fixed-point']);
    expect(result.steps).toBe(2);
    expect(result.state.arraySync()).toEqual([
      [1, -1],
      [1, 1],
    ]);
    tf.dispose([w, s, result.state]);
  });

  it('ends in a fixed point or a 2-cycle for random symmetric W (Goles-Fogelman and Pellegrin), never longer cycles', () => {
    const w = randomSymmetric(1, 40);
    const s = tf.tidy(() => tf.sign(new RandomStreams(2).data.uniformTensor([50, 40], -1, 1)));
    const result = retrieveSynchronous(w, s, { maxSteps: 200 });
    expect(result.outcome).not.toContain('max-steps');
    // check the reported outcome of every row directly: period 1 or exactly 2
    const once = synchronousStep(w, result.state);
    const twice = synchronousStep(w, once);
    const final = result.state.arraySync() as number[][];
    const next = once.arraySync() as number[][];
    expect(twice.arraySync()).toEqual(final);
    result.outcome.forEach((o, r) => expect(o).toBe(next[r].every((v, i) => v === final[r][i]) ? 'fixed-point' : 'two-cycle'));
    tf.dispose([w, s, result.state, once, twice]);
  });

  it('leaves no tensors behind and checks its step budget', () => {
    const w = randomSymmetric(3, 16);
    const s = tf.tidy(() => tf.sign(new RandomStreams(4).data.uniformTensor([8, 16], -1, 1)));
    assertNoTensorLeak(() => retrieveSynchronous(w, s).state.dispose(), { label: 'retrieveSynchronous' });
    expect(() => retrieveSynchronous(w, s, { maxSteps: 1.5 })).toThrow('retrieveSynchronous: maxSteps must be a positive integer, got 1.5.');
    tf.dispose([w, s]);
  });
});
