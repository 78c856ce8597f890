import { tf, type Tensor } from '@cristal/tensor';
import { lifParameters, lifStep } from './lif';
import { synapticInitialState, synapticParameters, synapticStep } from './synaptic';

/** Pre-reset membranes and spikes of one neuron fed `input` step by step. */
function simulate(input: number[], options: Parameters<typeof synapticParameters>[0]) {
  const p = synapticParameters(options);
  let state = synapticInitialState(1, 1);
  const u: number[] = [];
  const spikes: number[] = [];
  for (const x of input) {
    const xt = tf.tensor2d([[x]]);
    const out = synapticStep(xt, state, p);
    u.push(out.u.dataSync()[0]);
    spikes.push(out.spikes.dataSync()[0]);
    tf.dispose([xt, state.i, state.v, out.spikes, out.u]);
    state = out.state;
  }
  tf.dispose([state.i, state.v]);
  return { u, spikes };
}

describe('synaptic (second-order) LIF', () => {
  const alpha = 0.8;
  const beta = 0.9;

  it('answers a single pulse with the difference of exponentials (alpha^t - beta^t) / (alpha - beta)', () => {
    const T = 40;
    const { u, spikes } = simulate([1, ...Array<number>(T - 1).fill(0)], { alpha, beta, threshold: 100 });
    for (let t = 1; t <= T; t++) expect(u[t - 1]).toBeCloseTo((alpha ** t - beta ** t) / (alpha - beta), 5);
    expect(spikes.every((s) => s === 0)).toBe(true);
    // the peak comes later than LIF's (which peaks at once): t* = ln(ln alpha / ln beta) / ln(beta / alpha), rounded
    const peak = u.indexOf(Math.max(...u)) + 1;
    const tStar = Math.log(Math.log(alpha) / Math.log(beta)) / Math.log(beta / alpha);
    expect(Math.abs(peak - tStar)).toBeLessThanOrEqual(1);
    expect(peak).toBeGreaterThan(3);
  });

  it('under constant input follows the closed form until its first spike, which comes where the closed form crosses theta', () => {
    const x = 0.05;
    const theta = 1;
    // u_t = x / (1 - alpha) [ (1 - beta^t) / (1 - beta) - alpha (alpha^t - beta^t) / (alpha - beta) ]
    const closed = (t: number) => (x / (1 - alpha)) * ((1 - beta ** t) / (1 - beta) - (alpha * (alpha ** t - beta ** t)) / (alpha - beta));
    const { u, spikes } = simulate(Array<number>(40).fill(x), { alpha, beta, threshold: theta, reset: 'zero' });
    const first = spikes.indexOf(1) + 1;
    expect(first).toBeGreaterThan(1);
    for (let t = 1; t <= first; t++) expect(u[t - 1]).toBeCloseTo(closed(t), 5);
    expect(closed(first - 1)).toBeLessThanOrEqual(theta);
    expect(closed(first)).toBeGreaterThan(theta);
  });

  it('with a vanishing synaptic time constant it is the LIF neuron', () => {
    tf.tidy(() => {
      const input = tf.tensor2d([[0.6, 1.4, 0.2]]);
      const syn = synapticParameters({ alpha: 1e-30, beta, threshold: 1 });
      const lif = lifParameters({ beta, threshold: 1 });
      let s = synapticInitialState(1, 3);
      let l = { v: tf.zeros([1, 3]) };
      for (let t = 0; t < 12; t++) {
        const a = synapticStep(input, s, syn);
        const b = lifStep(input, l, lif);
        expect(Array.from(a.spikes.dataSync())).toEqual(Array.from(b.spikes.dataSync()));
        s = a.state;
        l = b.state;
      }
      expect(Array.from(s.v.dataSync())).toEqual(Array.from(l.v.dataSync()));
    });
  });

  it('derives alpha from tauSyn and rejects bad parameters', () => {
    expect(synapticParameters({ tauSyn: 5, tau: 10, dt: 1 }).alpha).toBeCloseTo(Math.exp(-1 / 5), 12);
    expect(synapticParameters({ tauSyn: 5, tau: 10, dt: 0.5 }).alpha).toBeCloseTo(Math.exp(-0.5 / 5), 12);
    expect(() => synapticParameters({ alpha: 0, beta: 0.9 })).toThrow('alpha must be in (0, 1], got 0.');
    expect(() => synapticParameters({ tauSyn: -2, beta: 0.9 })).toThrow('tauSyn must be positive, got -2.');
    expect(() => synapticParameters({ alpha: 0.5, beta: 2 })).toThrow('beta must be in (0, 1], got 2.');
    const t: Tensor = tf.tensor1d([0.5, 0.7]);
    expect(synapticParameters({ alpha: t, beta: 0.9 }).alpha).toBe(t);
    t.dispose();
  });
});
