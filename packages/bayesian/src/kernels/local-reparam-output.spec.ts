import { tf, assertNoTensorLeak, RandomStream, type Tensor } from '@cristal/tensor';
import { loadAddon } from './addon';
import { localReparamJs, localReparamOutput } from './local-reparam-output';

const B = 4;
const N = 6;

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

const composed = (m: Tensor, v: Tensor, bm: Tensor, bv: Tensor, eps: Tensor) => tf.add(tf.add(m, bm), tf.mul(tf.sqrt(tf.add(v, bv)), eps));

describe('localReparamOutput (fused kernel)', () => {
  it('equals m + b_mu + sqrt(v + b_var) eps and its TF.js gradients', () => {
    tf.tidy(() => {
      const s = new RandomStream(3, 'lro');
      const m = s.normalTensor([B, N]);
      const v = s.uniformTensor([B, N], 0.01, 2);
      const bm = s.normalTensor([N]);
      const bv = s.uniformTensor([N], 0.001, 0.5);
      const eps = s.normalTensor([B, N]);
      const w = s.normalTensor([B, N]);
      expect(maxAbsDiff(localReparamOutput(m, v, bm, bv, eps), composed(m, v, bm, bv, eps))).toBeLessThan(1e-5);
      const loss = (f: typeof composed) => (a: Tensor, b: Tensor, c: Tensor, d: Tensor, e: Tensor) => tf.sum(tf.mul(f(a, b, c, d, e), w));
      const ours = tf.grads((a: Tensor, b: Tensor, c: Tensor, d: Tensor) => loss(localReparamOutput)(a, b, c, d, eps))([m, v, bm, bv]);
      const ref = tf.grads((a: Tensor, b: Tensor, c: Tensor, d: Tensor) => loss(composed)(a, b, c, d, eps))([m, v, bm, bv]);
      ours.forEach((g, i) => expect(maxAbsDiff(g, ref[i])).toBeLessThan(1e-5));
    });
  });

  it('the native and JavaScript kernels agree bit for bit, forward and backward', () => {
    const addon = loadAddon().addon;
    if (!addon) throw new Error('the native addon did not load; run npm run build:native');
    const [Bn, Nn] = [70, 333]; // several row blocks, threads, and a ragged last block
    const s = new RandomStream(8, 'lro-parity');
    const f = (n: number, lo = -1, hi = 1) => s.fillUniform(new Float32Array(n), lo, hi);
    const [m, v, eps, dy] = [f(Bn * Nn), f(Bn * Nn, 0, 2), f(Bn * Nn), f(Bn * Nn)];
    const [bm, bv] = [f(Nn), f(Nn, 0, 0.1)];
    v.fill(0, 0, 5);
    bv.fill(0, 0, 3); // s = 0 in the first row's first three columns
    const out = () => ({ y: new Float32Array(Bn * Nn), s: new Float32Array(Bn * Nn), dv: new Float32Array(Bn * Nn), dbm: new Float64Array(Nn), dbv: new Float64Array(Nn) });
    const js = out();
    const nat = out();
    localReparamJs.forward(Bn, Nn, m, v, bm, bv, eps, js.y, js.s);
    addon.localReparamForward(Bn, Nn, m, v, bm, bv, eps, nat.y, nat.s, 2);
    localReparamJs.backward(Bn, Nn, dy, eps, js.s, js.dv, js.dbm, js.dbv);
    addon.localReparamBackward(Bn, Nn, dy, eps, nat.s, nat.dv, nat.dbm, nat.dbv, 2);
    for (const k of ['y', 's', 'dv', 'dbm', 'dbv'] as const) expect(Buffer.from(nat[k].buffer).equals(Buffer.from(js[k].buffer))).toBe(true);
    expect(js.dv[0]).toBe(0);
  });

  it('refuses to differentiate the noise', () => {
    tf.tidy(() => {
      const z = tf.zeros([1, 2]);
      expect(() => tf.grad((e: Tensor) => tf.sum(localReparamOutput(z, tf.ones([1, 2]), tf.zeros([2]), tf.zeros([2]), e)))(tf.ones([1, 2]))).toThrow(/sampling noise/);
    });
  });

  it('gives a zero (not infinite) variance gradient where the total variance is 0', () => {
    tf.tidy(() => {
      const g = tf.grad((v: Tensor) => tf.sum(localReparamOutput(tf.zeros([1, 2]), v, tf.zeros([2]), tf.zeros([2]), tf.ones([1, 2]))))(tf.tensor2d([[0, 4]]));
      expect(Array.from(g.dataSync())).toEqual([0, 0.25]);
    });
  });

  it('checks shapes and leaks nothing', () => {
    tf.tidy(() => {
      expect(() => localReparamOutput(tf.zeros([B, N]), tf.zeros([B, N]), tf.zeros([N + 1]), tf.zeros([N]), tf.zeros([B, N]))).toThrow(/biasMean/);
    });
    const args = [tf.zeros([B, N]), tf.ones([B, N]), tf.zeros([N]), tf.ones([N]), tf.ones([B, N])] as const;
    assertNoTensorLeak(() => {
      const grads = tf.grads((m: Tensor, v: Tensor) => tf.sum(localReparamOutput(m, v, args[2], args[3], args[4])))([args[0], args[1]]);
      tf.dispose(grads);
    });
    tf.dispose([...args]);
  });
});
