import { tf, type Tensor } from '@cristal/tensor';
import { NATIVE_THREADS, nativeAddon } from './addon';
import { acquireScratch, gradientsRecording, releaseScratch, takeBuffer } from './buffer-pool';
import { gradientTensor, readValues, registerJsKernel, type Backend, type KernelArgs } from './js-kernel';

export const LOCAL_REPARAM_OUTPUT_KERNEL = 'CristalLocalReparamOutput';

/** Rows per block of the bias-gradient sums, as in native/binding.cc: the sums do not depend on threads. */
const ROW_BLOCK = 16;
const { fround, sqrt } = Math;

/** The JavaScript kernels, in float arithmetic (fround after every operation): bit for bit the native ones. */
function forwardJs(B: number, N: number, m: Float32Array, v: Float32Array, bMean: Float32Array, bVar: Float32Array, eps: Float32Array, y: Float32Array, s: Float32Array): void {
  for (let b = 0, i = 0; b < B; b++) {
    for (let n = 0; n < N; n++, i++) {
      const sd = fround(sqrt(fround(v[i] + bVar[n])));
      s[i] = sd;
      y[i] = fround(fround(m[i] + bMean[n]) + fround(sd * eps[i]));
    }
  }
}

function backwardJs(B: number, N: number, dy: Float32Array, eps: Float32Array, s: Float32Array, dv: Float32Array, dbMean: Float64Array, dbVar: Float64Array): void {
  const partMean = new Float64Array(N);
  const partVar = new Float64Array(N);
  for (let b0 = 0; b0 < B; b0 += ROW_BLOCK) {
    partMean.fill(0);
    partVar.fill(0);
    for (let b = b0; b < Math.min(B, b0 + ROW_BLOCK); b++) {
      for (let n = 0, i = b * N; n < N; n++, i++) {
        const d = s[i] > 0 ? fround(fround(dy[i] * eps[i]) / fround(2 * s[i])) : 0;
        dv[i] = d;
        partMean[n] += dy[i];
        partVar[n] += d;
      }
    }
    for (let n = 0; n < N; n++) {
      dbMean[n] += partMean[n];
      dbVar[n] += partVar[n];
    }
  }
}

/** What the backward pass needs, kept in JavaScript by the output's data id. */
interface Saved {
  s: Float32Array;
  B: number;
  N: number;
}
const savedByOutput = new WeakMap<object, Saved>();

function forward({ inputs, backend }: KernelArgs) {
  const [B, N] = inputs.m.shape;
  const read = (name: string) => readValues(backend, inputs[name]);
  // y is the layer's output, which callers read: a fresh array (see buffer-pool.ts)
  const y = new Float32Array(B * N);
  const s = acquireScratch(B * N);
  const addon = nativeAddon();
  if (addon) addon.localReparamForward(B, N, read('m'), read('v'), read('biasMean'), read('biasVariance'), read('eps'), y, s, NATIVE_THREADS);
  else forwardJs(B, N, read('m'), read('v'), read('biasMean'), read('biasVariance'), read('eps'), y, s);
  const dataId = (backend as Backend).write(y, [B, N], 'float32');
  if (gradientsRecording()) savedByOutput.set(dataId, { s, B, N });
  else releaseScratch(s);
  return { dataId, shape: [B, N], dtype: 'float32' };
}

let registered = false;

function register(): void {
  if (registered) return;
  registerJsKernel(LOCAL_REPARAM_OUTPUT_KERNEL, forward);
  tf.registerGradient({
    kernelName: LOCAL_REPARAM_OUTPUT_KERNEL,
    inputsToSave: ['eps'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const g = dy as Tensor;
      const [eps, y] = saved;
      const state = savedByOutput.get((y as unknown as { dataId: object }).dataId);
      if (!state) throw new Error('localReparamOutput backward: the forward state is gone (was the output disposed before the gradient?).');
      savedByOutput.delete((y as unknown as { dataId: object }).dataId);
      const { s, B, N } = state;
      const gy = g.dataSync() as Float32Array;
      const e = eps.dataSync() as Float32Array;
      const dv = takeBuffer(B * N);
      const dbMean = new Float64Array(N);
      const dbVar = new Float64Array(N);
      const addon = nativeAddon();
      if (addon) addon.localReparamBackward(B, N, gy, e, s, dv, dbMean, dbVar, NATIVE_THREADS);
      else backwardJs(B, N, gy, e, s, dv, dbMean, dbVar);
      const grads = {
        m: () => g.clone(),
        v: () => gradientTensor(dv, [B, N]),
        biasMean: () => gradientTensor(Float32Array.from(dbMean), [N]),
        biasVariance: () => gradientTensor(Float32Array.from(dbVar), [N]),
        eps: (): Tensor => {
          throw new Error('localReparamOutput: eps is the sampling noise and has no gradient here; do not derive it from a variable.');
        },
      };
      releaseScratch(s);
      return grads;
    },
  });
  registered = true;
}

/**
 * The output of a local-reparameterisation layer in one registered kernel (`CristalLocalReparamOutput`)
 * with its gradient, instead of five TF.js ops forward and about ten backward:
 *   y = m + b_mu + sqrt(v + b_var) * eps
 *   dy/dm = 1,  dy/dv = eps / (2 sqrt(v + b_var)),  dy/db_mu = 1,  dy/db_var = dy/dv  (summed over the batch)
 * m = x mu_W and v = x^2 sigma_W^2 are [B, N]; b_mu and b_var [N] (pass zeros for a layer without
 * bias); eps [B, N]. Native (vectorised, threaded) when the addon is built, else JavaScript with the
 * same float arithmetic. Where v + b_var = 0 the gradient in v is taken as 0, not infinity.
 */
export function localReparamOutput(m: Tensor, v: Tensor, biasMean: Tensor, biasVariance: Tensor, eps: Tensor): Tensor {
  register();
  if (m.rank !== 2) throw new Error(`localReparamOutput: m must be [B, N], got [${m.shape.join(', ')}].`);
  const [B, N] = m.shape;
  for (const [name, t, shape] of [['m', m, [B, N]], ['v', v, [B, N]], ['eps', eps, [B, N]], ['biasMean', biasMean, [N]], ['biasVariance', biasVariance, [N]]] as const) {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.dtype !== 'float32') {
      throw new Error(`localReparamOutput: ${name} must be float32 [${shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}].`);
    }
  }
  return tf.engine().runKernel(LOCAL_REPARAM_OUTPUT_KERNEL, { m, v, biasMean, biasVariance, eps }) as Tensor;
}

/** The JavaScript kernels, exported for the parity test with the native ones. */
export const localReparamJs = { forward: forwardJs, backward: backwardJs };
