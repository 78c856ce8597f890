import { tf, RandomStream, type Tensor } from '@cristal/tensor';
import { stdpInitialState, stdpParameters, stdpStep, type StdpOptions } from './stdp';

const A_PLUS = 0.01;
const A_MINUS = 0.012;
const TAU_PLUS = 20;
const TAU_MINUS = 30;
const base: StdpOptions = { aPlus: A_PLUS, aMinus: A_MINUS, tauPlus: TAU_PLUS, tauMinus: TAU_MINUS, dt: 1 };

/** Runs STDP over spike trains pre [T][Npre], post [T][Npost] (one sample) and returns W_T - W_0. */
function learn(pre: number[][], post: number[][], options: StdpOptions, w0?: number[][]): number[][] {
  const p = stdpParameters(options);
  const nPre = pre[0].length;
  const nPost = post[0].length;
  let state = stdpInitialState(1, nPre, nPost);
  const start = w0 ? tf.tensor2d(w0) : tf.zeros([nPre, nPost]);
  let w: Tensor = start;
  for (let t = 0; t < pre.length; t++) {
    const s = tf.tensor2d([pre[t]]);
    const q = tf.tensor2d([post[t]]);
    const out = stdpStep(s, q, state, w, p);
    tf.dispose([s, q, state.xPre, state.yPost, out.dW]);
    if (w !== start) w.dispose();
    w = out.weights;
    state = out.state;
  }
  const dW = tf.tidy(() => tf.sub(w, start).arraySync() as number[][]);
  tf.dispose([w, start, state.xPre, state.yPost]);
  return dW;
}

/** The pair-based rule by hand: the change for one pair with post - pre = D steps. */
const window = (D: number) => (D >= 0 ? A_PLUS * Math.exp(-D / TAU_PLUS) : -A_MINUS * Math.exp(D / TAU_MINUS));

/** A train of T steps with spikes at the given steps. */
const train = (T: number, times: number[]) => Array.from({ length: T }, (_, t) => [times.includes(t) ? 1 : 0]);

describe('pair-based STDP', () => {
  it('potentiates pre-before-post by A+ exp(-D / tau+), depresses post-before-pre by A- exp(-D / tau-)', () => {
    for (const D of [0, 1, 3, 10, 25]) {
      const ltp = learn(train(40, [5]), train(40, [5 + D]), base)[0][0];
      expect(ltp).toBeCloseTo(A_PLUS * Math.exp(-D / TAU_PLUS), 7);
      if (D > 0) {
        const ltd = learn(train(40, [5 + D]), train(40, [5]), base)[0][0];
        expect(ltd).toBeCloseTo(-A_MINUS * Math.exp(-D / TAU_MINUS), 7);
      }
    }
  });

  it('all-to-all sums every pair; nearest pairs each spike with the latest partner', () => {
    // pre at 1 and 3, post at 6 and 9, then a pre at 12
    const pre = train(15, [1, 3, 12]);
    const post = train(15, [6, 9]);
    const all = learn(pre, post, base)[0][0];
    const pairs = [1, 3, 12].flatMap((tp) => [6, 9].map((tq) => window(tq - tp)));
    expect(all).toBeCloseTo(pairs.reduce((a, b) => a + b, 0), 7);
    // nearest: post 6 <- pre 3, post 9 <- pre 3, pre 12 <- post 9 (pre 1 and 3 see no earlier post)
    const nearest = learn(pre, post, { ...base, pairing: 'nearest' })[0][0];
    expect(nearest).toBeCloseTo(window(3) + window(6) + window(-3), 7);
  });

  it('all-to-all equals the sum over all pairs on random trains of several neurons', () => {
    const T = 120;
    const s = new RandomStream(5, 'stdp');
    const pre = Array.from({ length: T }, () => [0, 1, 2].map(() => (s.uniform() < 0.08 ? 1 : 0)));
    const post = Array.from({ length: T }, () => [0, 1].map(() => (s.uniform() < 0.1 ? 1 : 0)));
    const dW = learn(pre, post, base);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        let expected = 0;
        for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) if (pre[a][i] && post[b][j]) expected += window(b - a);
        expect(dW[i][j]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('hard bounds clip the weights; soft bounds scale the change by the distance to the bound', () => {
    const pre = train(10, [2]);
    const post = train(10, [4]);
    const hard = learn(pre, post, { ...base, aPlus: 0.5, bounds: { min: 0, max: 1 } }, [[0.9]])[0][0];
    expect(hard).toBeCloseTo(0.1, 6); // 0.9 + 0.5 e^{-0.1} clipped at 1
    const soft = learn(pre, post, { ...base, bounds: { kind: 'soft', min: 0, max: 1 } }, [[0.9]])[0][0];
    expect(soft).toBeCloseTo(A_PLUS * Math.exp(-2 / TAU_PLUS) * (1 - 0.9), 7);
    const softLtd = learn(post, pre, { ...base, bounds: { kind: 'soft', min: 0, max: 1 } }, [[0.9]])[0][0];
    expect(softLtd).toBeCloseTo(-A_MINUS * Math.exp(-2 / TAU_MINUS) * 0.9, 7);
  });

  it('sums the changes over the batch', () => {
    tf.tidy(() => {
      const p = stdpParameters(base);
      let state = stdpInitialState(2, 1, 1);
      let w = tf.zeros([1, 1]);
      const pre = [[[1], [0]], [[0], [1]], [[0], [0]]]; // sample 0: pre at 0; sample 1: pre at 1
      const post = [[[0], [0]], [[0], [0]], [[1], [1]]]; // both: post at 2
      for (let t = 0; t < 3; t++) {
        const out = stdpStep(tf.tensor2d(pre[t]), tf.tensor2d(post[t]), state, w, p);
        state = out.state;
        w = out.weights;
      }
      expect(w.dataSync()[0]).toBeCloseTo(window(2) + window(1), 7);
    });
  });

  it('rejects bad parameters and mismatched shapes', () => {
    expect(() => stdpParameters({ ...base, tauPlus: 0 })).toThrow('tauPlus must be a positive number, got 0.');
    expect(() => stdpParameters({ ...base, aMinus: -1 })).toThrow('aMinus must be a non-negative number, got -1.');
    expect(() => stdpParameters({ ...base, bounds: { min: 1, max: 0 } })).toThrow('bounds need min < max, got [1, 0].');
    tf.tidy(() => {
      const p = stdpParameters(base);
      expect(() => stdpStep(tf.zeros([1, 3]), tf.zeros([1, 2]), stdpInitialState(1, 3, 2), tf.zeros([2, 3]), p)).toThrow(
        'weights must be [3, 2] (pre x post), got [2, 3].',
      );
    });
  });
});
