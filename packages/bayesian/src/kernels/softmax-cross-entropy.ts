import { tf, type Tensor } from '@cristal/tensor';
import { takeBuffer } from './buffer-pool';
import { gradientTensor, readValues, registerJsKernel, writeOutput, type Backend, type KernelArgs } from './js-kernel';

export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'CristalSoftmaxCrossEntropy';

const { exp, log } = Math;

function forward({ inputs, backend }: KernelArgs) {
  const [B, C] = inputs.logits.shape;
  const z = readValues(backend, inputs.logits);
  const y = (backend as Backend).readSync(inputs.labels.dataId) as Int32Array;
  const nll = new Float32Array(B); // callers read it: not pooled (see buffer-pool.ts)
  const p = takeBuffer(B * C);
  for (let b = 0; b < B; b++) {
    const label = y[b];
    if (!(label >= 0 && label < C)) throw new Error(`categoricalNll: label ${label} of example ${b} is outside [0, ${C}).`);
    const o = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += exp(z[o + c] - max);
    const lse = max + log(sum);
    for (let c = 0; c < C; c++) p[o + c] = exp(z[o + c] - lse);
    nll[b] = lse - z[o + label];
  }
  return [writeOutput(backend, nll, [B]), writeOutput(backend, p, [B, C])];
}

let registered = false;

function register(): void {
  if (registered) return;
  registerJsKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, forward);
  tf.registerGradient({
    kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL,
    inputsToSave: ['labels'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const dNll = (dys as Tensor[])[0].dataSync() as Float32Array;
      const [labels, probabilities] = saved;
      const [B, C] = probabilities.shape as [number, number];
      const p = probabilities.dataSync() as Float32Array;
      const y = labels.dataSync() as Int32Array;
      const g = takeBuffer(B * C);
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) g[b * C + c] = dNll[b] * p[b * C + c];
        g[b * C + y[b]] -= dNll[b];
      }
      return { logits: () => gradientTensor(g, [B, C]), labels: () => tf.zerosLike(labels) };
    },
  });
  registered = true;
}

/**
 * -log softmax(z)_y per example in one registered kernel (`CristalSoftmaxCrossEntropy`) with its
 * gradient d/dz = dnll (softmax(z) - onehot(y)), instead of some twenty small TF.js ops:
 *   nll_b = logsumexp(z_b) - z_b,y_b   (max-shifted, summed in double)
 * logits [B, C] float32, labels [B] int32 in [0, C). Runs in JavaScript on any backend.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  register();
  if (logits.rank !== 2 || logits.dtype !== 'float32') throw new Error(`categoricalNll: logits must be float32 [B, C], got ${logits.dtype} [${logits.shape.join(', ')}].`);
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) throw new Error(`categoricalNll: expected ${logits.shape[0]} labels, got shape [${labels.shape.join(', ')}].`);
  const y = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
  const [nll, p] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { logits, labels: y }) as Tensor[];
  p.dispose();
  if (y !== labels) y.dispose();
  return nll;
}
