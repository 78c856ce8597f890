import { tf, type Scalar, type Tensor } from '@cristal/tensor';
import { NATIVE_THREADS, nativeAddon, type NativeBinding } from './addon';
import { gradientsRecording, lendBuffer, takeBuffer } from './buffer-pool';
import { gradientTensor, readValues, registerJsKernel, type Backend, type KernelArgs } from './js-kernel';

export const DENSE_LOCAL_REPARAM_KERNEL = 'CristalDenseLocalReparam';

interface Attrs {
  priorMean: number;
  priorStd: number;
  /** 1: the output is max(y, 0). */
  relu: number;
  [key: string]: number;
}

/** Everything the backward pass reads, kept from the forward pass by the output's data id. */
interface Saved {
  B: number;
  K: number;
  N: number;
  x: Float32Array;
  mu: Float32Array;
  rho: Float32Array;
  bMu: Float32Array;
  bRho: Float32Array;
  eps: Float32Array;
  s: Float32Array;
  varW: Float32Array;
}
const savedByOutput = new WeakMap<object, Saved>();

function addon(): NativeBinding {
  const a = nativeAddon();
  if (!a) throw new Error('denseLocalReparamFused needs the native addon (npm run build:native); the layers fall back to the composed kernels without it.');
  return a;
}

function forward({ inputs, backend, attrs }: KernelArgs) {
  const a = attrs as Attrs;
  const [B, K] = inputs.x.shape;
  const N = inputs.mu.shape[1];
  const read = (name: string) => readValues(backend, inputs[name]);
  const saved: Saved = { B, K, N, x: read('x'), mu: read('mu'), rho: read('rho'), bMu: read('bMu'), bRho: read('bRho'), eps: read('eps'), s: takeBuffer(B * N), varW: takeBuffer(K * N) };
  const varB = takeBuffer(N);
  // y is the layer's output, which callers read: a fresh array (see buffer-pool.ts)
  const y = new Float32Array(B * N);
  const kl = addon().denseLocalReparamForward(B, K, N, saved.mu, saved.rho, saved.bMu, saved.bRho, a.priorMean, a.priorStd, saved.x, saved.eps, y, saved.s, saved.varW, varB, NATIVE_THREADS, a.relu === 1);
  const be = backend as Backend;
  const yId = be.write(y, [B, N], 'float32');
  // the scratch lives as long as the output's data: through the backward pass when a tape keeps it
  for (const buffer of [saved.s, saved.varW, varB]) lendBuffer(buffer, yId);
  if (gradientsRecording()) savedByOutput.set(yId, saved);
  const klId = be.write(Float32Array.of(kl), [], 'float32');
  return [
    { dataId: yId, shape: [B, N], dtype: 'float32' },
    { dataId: klId, shape: [], dtype: 'float32' },
  ];
}

let registered = false;

function register(): void {
  if (registered) return;
  registerJsKernel(DENSE_LOCAL_REPARAM_KERNEL, forward);
  tf.registerGradient({
    kernelName: DENSE_LOCAL_REPARAM_KERNEL,
    inputsToSave: ['x', 'mu', 'rho', 'bMu', 'bRho', 'eps'],
    outputsToSave: [true, false],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dKl] = dys as Tensor[];
      const yId = (saved[6] as unknown as { dataId: object }).dataId;
      const st = savedByOutput.get(yId);
      if (!st) throw new Error('denseLocalReparamFused backward: the forward state is gone (was the output disposed before the gradient?).');
      savedByOutput.delete(yId);
      const a = attrs as unknown as Attrs;
      const { B, K, N } = st;
      const gy = dy.dataSync() as Float32Array;
      const gKl = dKl.dataSync()[0];
      const dm = takeBuffer(B * N);
      const dv = takeBuffer(B * N);
      const gW1 = takeBuffer(K * N);
      const gW2 = takeBuffer(K * N);
      for (const buffer of [dm, dv, gW1, gW2]) lendBuffer(buffer, yId);
      const [gMu, gRho] = [takeBuffer(K * N), takeBuffer(K * N)];
      const [gbMu, gbRho] = [takeBuffer(N), takeBuffer(N)];
      const reluOutput = a.relu === 1 ? (saved[6].dataSync() as Float32Array) : null;
      addon().denseLocalReparamBackward(B, K, N, st.mu, st.rho, st.bMu, st.bRho, a.priorMean, a.priorStd, st.x, st.eps, st.s, gy, gKl, dv, gW1, gW2, gMu, gRho, gbMu, gbRho, NATIVE_THREADS, reluOutput, dm);
      return {
        mu: () => gradientTensor(gMu, [K, N]),
        rho: () => gradientTensor(gRho, [K, N]),
        bMu: () => gradientTensor(gbMu, [N]),
        bRho: () => gradientTensor(gbRho, [N]),
        x: () => {
          // returned to whoever differentiates the input: a fresh array, not pooled
          const dx = new Float32Array(B * K);
          const t = takeBuffer(B * K);
          lendBuffer(t, yId);
          addon().denseLocalReparamInputGrad(B, K, N, st.mu, st.varW, st.x, dm, dv, dx, t, NATIVE_THREADS);
          return tf.tensor(dx, [B, K], 'float32');
        },
        eps: (): Tensor => {
          throw new Error('denseLocalReparamFused: eps is the sampling noise and has no gradient here; do not derive it from a variable.');
        },
      };
    },
  });
  registered = true;
}

/** Whether the fused layer kernel can run (the native addon is built and wanted). */
export function denseLocalReparamFusedAvailable(): boolean {
  return nativeAddon() !== null;
}

/**
 * A whole mean-field dense layer with local reparameterisation in one registered kernel
 * (`CristalDenseLocalReparam`, native), forward and backward:
 *   sigma = softplus(rho),  y = x mu + b_mu + sqrt(x^2 sigma^2 + sigma_b^2) * eps  (then max(y, 0) with relu)
 *   KL = sum over weights and biases of log(s_p / sigma) + (sigma^2 + (mu - m_p)^2) / (2 s_p^2) - 1/2
 * Its own matrix products (a packed AVX-512 SGEMM where available) keep every weight-sized tensor in
 * JavaScript memory: the gradients of mu and rho go from the kernel to Adam without a copy out of
 * TensorFlow, which costs about 0.7 ms per megabyte on tfjs-node, and no TensorFlow op runs on them.
 * With the ReLU inside, the activations of a ReLU MLP stay in JavaScript from layer to layer too.
 * x [B, K], mu and rho [K, N], b_mu and b_rho [N], eps [B, N]; the prior is N(mean, std^2) with a
 * scalar mean. Same numbers as the composed path (meanFieldGaussian, matMul, localReparamOutput) up
 * to the summation order of the matrix products.
 */
export function denseLocalReparamFused(
  x: Tensor,
  mu: Tensor,
  rho: Tensor,
  bMu: Tensor,
  bRho: Tensor,
  eps: Tensor,
  prior: { mean: number; std: number },
  activation: 'relu' | 'identity' = 'identity',
): { output: Tensor; kl: Scalar } {
  register();
  if (x.rank !== 2 || mu.rank !== 2) throw new Error(`denseLocalReparamFused: x and mu must be matrices, got [${x.shape.join(', ')}] and [${mu.shape.join(', ')}].`);
  const [B, K] = x.shape as [number, number];
  const N = mu.shape[1] as number;
  for (const [name, t, shape] of [['x', x, [B, K]], ['mu', mu, [K, N]], ['rho', rho, [K, N]], ['bMu', bMu, [N]], ['bRho', bRho, [N]], ['eps', eps, [B, N]]] as const) {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.dtype !== 'float32') {
      throw new Error(`denseLocalReparamFused: ${name} must be float32 [${shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}].`);
    }
  }
  if (!(prior.std > 0) || !Number.isFinite(prior.mean)) throw new Error(`denseLocalReparamFused: bad prior N(${prior.mean}, ${prior.std}^2).`);
  const attrs: Attrs = { priorMean: prior.mean, priorStd: prior.std, relu: activation === 'relu' ? 1 : 0 };
  const [output, kl] = tf.engine().runKernel(DENSE_LOCAL_REPARAM_KERNEL, { x, mu, rho, bMu, bRho, eps }, attrs as unknown as Parameters<ReturnType<typeof tf.engine>['runKernel']>[2]) as Tensor[];
  return { output, kl: kl as Scalar };
}
