import { tf } from '@cristal/tensor';
import { leakyIntegratorInitialState, leakyIntegratorParameters, leakyIntegratorStep } from './leaky-integrator';

function run(x: number, beta: number, T: number): number[] {
  const p = leakyIntegratorParameters({ beta });
  let state = leakyIntegratorInitialState(1, 1);
  const input = tf.tensor2d([[x]]);
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    const r = leakyIntegratorStep(input, state, p);
    out.push(r.output.dataSync()[0]);
    tf.dispose([state.v, r.output]);
    state = r.state;
  }
  tf.dispose([input, state.v]);
  return out;
}

describe('leaky integrator readout', () => {
  it('follows v_t = x (1 - beta^t) / (1 - beta) and never resets, however large', () => {
    const out = run(3, 0.8, 50);
    out.forEach((v, i) => expect(v).toBeCloseTo((3 * (1 - 0.8 ** (i + 1))) / 0.2, 4));
    expect(out[49]).toBeCloseTo(15, 3); // near the asymptote x / (1 - beta) = 15 (0.8^50 x 15 = 2e-4 short), far above any threshold
  });

  it('with beta = 1 is a perfect integrator (a running sum)', () => {
    expect(run(0.5, 1, 8)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
  });

  it('returns an output that can be disposed apart from the state', () => {
    tf.tidy(() => {
      const r = leakyIntegratorStep(tf.ones([2, 2]), leakyIntegratorInitialState(2, 2), leakyIntegratorParameters({ beta: 0.5 }));
      r.output.dispose();
      expect(Array.from(r.state.v.dataSync())).toEqual([1, 1, 1, 1]);
    });
  });

  it('derives beta from tau and rejects bad parameters', () => {
    expect(leakyIntegratorParameters({ tau: 10, dt: 2 }).beta).toBeCloseTo(Math.exp(-0.2), 12);
    expect(() => leakyIntegratorParameters({ beta: 0 })).toThrow('beta must be in (0, 1], got 0.');
    expect(() => leakyIntegratorParameters({ tau: 0 })).toThrow('tau must be positive, got 0.');
  });
});
