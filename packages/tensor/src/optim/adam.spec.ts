import { tf, type Scalar } from '../backend/backend';
import { RandomStream } from '../random/random-stream';
import { assertNoTensorLeak } from '../memory/leak-check';
import { Adam } from './adam';
import { jsAdamUpdate } from './adam-kernel';

function problem(seed: number) {
  const s = new RandomStream(seed, 'adam-spec');
  const x = s.normalTensor([32, 6]);
  const y = s.normalTensor([32, 3]);
  const w = tf.variable(s.normalTensor([6, 3], 0, 0.5));
  const b = tf.variable(tf.zeros([3]));
  const loss = () => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as Scalar;
  return { x, y, w, b, loss };
}

describe('Adam', () => {
  it('matches tf.train.adam step for step', () => {
    const a = problem(1);
    const b = problem(1);
    const ours = new Adam([a.w, a.b], { learningRate: 0.01, epsilon: 1e-7 });
    const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (let i = 0; i < 20; i++) {
      ours.minimize(a.loss);
      theirs.minimize(b.loss, false, [b.w, b.b]);
    }
    const wa = a.w.dataSync();
    const wb = b.w.dataSync();
    for (let i = 0; i < wa.length; i++) expect(Math.abs(wa[i] - wb[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(wb[i])));
    expect(ours.step).toBe(20);
  });

  it('takes a first step of lr in the direction of -sign(g), the closed form at t = 1', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const opt = new Adam([w], { learningRate: 0.1, epsilon: 1e-12 });
    opt.applyGradients({ [w.name]: tf.tensor1d([0.5, -4, 1e-3]) });
    // m_hat = g and v_hat = g^2, so the step is lr g / |g|
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.9, -1.9, 2.9][i], 5));
  });

  it('applies decoupled weight decay (AdamW)', () => {
    const w = tf.variable(tf.tensor1d([2]));
    const opt = new Adam([w], { learningRate: 0.1, weightDecay: 0.5, epsilon: 1e-12 });
    opt.applyGradients({ [w.name]: tf.tensor1d([1]) });
    expect(w.dataSync()[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2 - 0.1, 5);
  });

  it('the native and JavaScript updates agree to float32 rounding', () => {
    const s = new RandomStream(3, 'kernels');
    const n = 100_003;
    const w1 = s.fillNormal(new Float32Array(n));
    const w2 = Float32Array.from(w1);
    const g = s.fillNormal(new Float32Array(n));
    const [m1, v1, m2, v2] = [0, 0, 0, 0].map(() => new Float32Array(n));
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, oneMinusBeta1: Math.fround(0.1), oneMinusBeta2: Math.fround(0.001), epsilon: 1e-8, weightDecay: 0.01, c1: Math.fround(0.1), c2: Math.fround(0.001) };
    if (Adam.kernel() !== 'native') throw new Error('the native Adam kernel is not built; run npm run build:native');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./adam-kernel').adamUpdate().update(w1, g, m1, v1, h);
    jsAdamUpdate(w2, g, m2, v2, h);
    for (let i = 0; i < n; i++) expect(Math.abs(w1[i] - w2[i])).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(w2[i])));
  });

  it('follows an external assign, and never alters earlier snapshots of the weights', () => {
    const w = tf.variable(tf.tensor1d([1, 1]));
    const opt = new Adam([w], { learningRate: 0.5 });
    opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]) });
    const snapshot = w.clone();
    const before = Array.from(snapshot.dataSync());
    w.assign(tf.tensor1d([10, 10]));
    opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]) });
    opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]) });
    expect(w.dataSync()[0]).toBeGreaterThan(8); // continued from 10, not from the stale master copy
    expect(Array.from(snapshot.dataSync())).toEqual(before);
  });

  it('resumes from its state exactly', () => {
    const a = problem(4);
    const b = problem(4);
    const first = new Adam([a.w, a.b], { learningRate: 0.01 });
    for (let i = 0; i < 5; i++) first.minimize(a.loss);
    b.w.assign(a.w);
    b.b.assign(a.b);
    const state = first.getState();
    const resumed = new Adam([b.w, b.b], { learningRate: 0.01 });
    resumed.setState({ step: state.step, moments: { [b.w.name]: state.moments[a.w.name], [b.b.name]: state.moments[a.b.name] } });
    for (let i = 0; i < 5; i++) {
      first.minimize(a.loss);
      resumed.minimize(b.loss);
    }
    expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
  });

  it('names its moments by the keys of a variable record, so a state restores into other variables of the same names', () => {
    const a = problem(6);
    const b = problem(6);
    const first = new Adam({ w: a.w, b: a.b }, { learningRate: 0.01 });
    for (let i = 0; i < 5; i++) first.minimize(a.loss);
    b.w.assign(a.w);
    b.b.assign(a.b);
    const state = first.getState();
    expect(Object.keys(state.moments).sort()).toEqual(['b', 'w']);
    const resumed = new Adam({ w: b.w, b: b.b }, { learningRate: 0.01 });
    resumed.setState(state);
    for (let i = 0; i < 5; i++) {
      first.minimize(a.loss);
      resumed.minimize(b.loss);
    }
    expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
    expect(() => new Adam([b.w], { learningRate: 0.01 }).setState(state)).toThrow(`Adam state has no moments for variable "${b.w.name}".`);
  });

  it('keeps numTensors flat over many steps', () => {
    const p = problem(5);
    const opt = new Adam([p.w, p.b]);
    assertNoTensorLeak(() => void opt.minimize(p.loss), { iterations: 100, label: 'Adam.minimize' });
  });

  it('rejects bad settings', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new Adam([w], { learningRate: 0 })).toThrow('learningRate must be positive');
    expect(() => new Adam([w, w])).toThrow('is listed twice');
  });
});
