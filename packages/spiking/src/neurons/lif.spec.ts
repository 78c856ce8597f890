import { tf, type Tensor } from '@cristal/tensor';
import { lifScan } from '../kernels/lif-scan';
import type { ResetMode } from '../kernels/lif-kernel';
import { lifInitialState, lifParameters, lifStep } from './lif';

/** Spike times and the pre-reset membrane trace of one neuron under constant current I for T steps. */
function simulate(I: number, beta: number, theta: number, reset: ResetMode, T: number) {
  const p = lifParameters({ beta, threshold: theta, reset });
  let state = lifInitialState(1, 1);
  const input = tf.tensor2d([[I]]);
  const u: number[] = [];
  const spikes: number[] = [];
  for (let t = 1; t <= T; t++) {
    const out = lifStep(input, state, p);
    u.push(out.u.dataSync()[0]);
    if (out.spikes.dataSync()[0] === 1) spikes.push(t);
    tf.dispose([state.v, out.spikes, out.u]);
    state = out.state;
  }
  tf.dispose([input, state.v]);
  return { u, spikes };
}

describe('LIF under constant current (closed form)', () => {
  const I = 0.3;
  const beta = 0.9;
  const theta = 1;
  // u_t = I (1 - beta^t) / (1 - beta) until the first spike at t* = min{t : u_t > theta}
  const closedU = (t: number) => (I * (1 - beta ** t)) / (1 - beta);
  const firstSpike = Math.ceil(Math.log(1 - (theta * (1 - beta)) / I) / Math.log(beta) + 1e-12);

  it('follows u_t = I (1 - beta^t) / (1 - beta) until the first spike, which comes when the formula crosses theta', () => {
    const { u, spikes } = simulate(I, beta, theta, 'subtract', 30);
    for (let t = 1; t <= firstSpike; t++) expect(u[t - 1]).toBeCloseTo(closedU(t), 5);
    expect(closedU(firstSpike - 1)).toBeLessThanOrEqual(theta);
    expect(closedU(firstSpike)).toBeGreaterThan(theta);
    expect(spikes[0]).toBe(firstSpike);
    expect(firstSpike).toBe(4); // u_4 = 3 (1 - 0.9^4) = 1.032 > 1 >= u_3 = 0.813
  });

  it('reset to zero restarts the same trajectory: regular spikes every t* steps', () => {
    const T = 40;
    const { spikes } = simulate(I, beta, theta, 'zero', T);
    expect(spikes).toEqual(Array.from({ length: Math.floor(T / firstSpike) }, (_, k) => (k + 1) * firstSpike));
  });

  it('reset by subtraction keeps the excess: the count matches iterating the closed-form map', () => {
    // Between spikes v follows v -> beta v + I; at a spike v -> u - theta. Iterate that map in float64.
    const T = 200;
    let v = 0;
    let expected = 0;
    for (let t = 1; t <= T; t++) {
      const u = beta * v + I;
      if (u > theta) {
        expected++;
        v = u - theta;
      } else v = u;
    }
    expect(simulate(I, beta, theta, 'subtract', T).spikes.length).toBe(expected);
    // and the long-run rate tends to I / theta (charge balance, since beta^k -> 0 is not exact here)
    expect(expected).toBeGreaterThan(0);
  });

  it('without reset fires at every step once above threshold: T - t* + 1 spikes', () => {
    const { spikes } = simulate(I, beta, theta, 'none', 30);
    expect(spikes.length).toBe(30 - firstSpike + 1);
  });

  it('never fires when the asymptote I / (1 - beta) stays below theta', () => {
    expect(simulate(0.09, 0.9, 1, 'subtract', 100).spikes).toEqual([]);
  });

  it('the fused scan gives the same spike times as the closed form', () => {
    const out = lifScan(tf.tensor2d([[I]]), beta, theta, null, { steps: 40, reset: 'zero' });
    const times = Array.from(out.spikes.dataSync()).flatMap((s, t) => (s === 1 ? [t + 1] : []));
    expect(times).toEqual([4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    tf.dispose([out.spikes, out.finalMembrane]);
  });

  it('derives beta from tau and dt, and rejects bad parameters', () => {
    const p = lifParameters({ tau: 20, dt: 1 });
    expect(p.beta).toBeCloseTo(Math.exp(-1 / 20), 12);
    expect(() => lifParameters({ beta: 1.2 })).toThrow('beta must be in (0, 1], got 1.2.');
    expect(() => lifParameters({ beta: 0.9, threshold: 0 })).toThrow('threshold must be positive');
    expect(() => lifParameters({ beta: 0.9, reset: 'hard' as ResetMode })).toThrow('reset must be');
  });
});

describe('BPTT through a tiny network matches finite differences', () => {
  it('with a smooth spike function the gradients are exact', () => {
    // 2 inputs -> 3 LIF -> 2 LIF, T = 6, sigmoid spikes (smooth, so finite differences apply).
    const smooth = (x: Tensor) => tf.sigmoid(tf.mul(x, 4));
    const x = tf.tensor2d([[0.8, -0.3], [0.2, 0.9]]);
    const w1 = tf.tensor2d([[0.5, -0.2, 0.9], [0.3, 0.8, -0.4]]);
    const w2 = tf.tensor2d([[0.7, -0.5], [0.2, 0.6], [-0.3, 0.4]]);
    const p = lifParameters({ beta: 0.85, threshold: 0.6, reset: 'subtract' });
    const loss = (a: Tensor, b: Tensor) =>
      tf.tidy(() => {
        let s1 = { v: tf.zeros([2, 3]) };
        let s2 = { v: tf.zeros([2, 2]) };
        let total: Tensor = tf.scalar(0);
        for (let t = 0; t < 6; t++) {
          const l1 = lifStep(tf.matMul(x, a), s1, p, smooth);
          const l2 = lifStep(tf.matMul(l1.spikes, b), s2, p, smooth);
          s1 = l1.state;
          s2 = l2.state;
          total = tf.add(total, tf.sum(tf.mul(l2.spikes, tf.tensor2d([[1, -2], [0.5, 1]]))));
        }
        return total;
      });
    const [g1, g2] = tf.grads(loss)([w1, w2]);
    const fd = (w: Tensor, which: 0 | 1): number[] => {
      const base = w.dataSync();
      return Array.from(base).map((_, i) => {
        const h = 1e-3;
        const plus = Float32Array.from(base);
        const minus = Float32Array.from(base);
        plus[i] += h;
        minus[i] -= h;
        const wp = tf.tensor(plus, w.shape);
        const wm = tf.tensor(minus, w.shape);
        const lp = (which === 0 ? loss(wp, w2) : loss(w1, wp)).dataSync()[0];
        const lm = (which === 0 ? loss(wm, w2) : loss(w1, wm)).dataSync()[0];
        tf.dispose([wp, wm]);
        return (lp - lm) / (2 * h);
      });
    };
    const check = (analytic: Tensor, numeric: number[]) =>
      Array.from(analytic.dataSync()).forEach((g, i) => expect(Math.abs(g - numeric[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric[i]))));
    check(g1, fd(w1, 0));
    check(g2, fd(w2, 1));
  });
});
