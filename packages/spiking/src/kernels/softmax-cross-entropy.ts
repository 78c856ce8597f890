import { tf, type Scalar, type Tensor } from '@cristal/tensor';
import { readCopy, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { gradientsRecording } from './buffer-pool';

// (Not CristalSoftmaxCrossEntropy: @cristal/bayesian registers a kernel of that name.)
export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'CristalSpikingSoftmaxCrossEntropy';

interface Saved {
  B: number;
  C: number;
  labels: Float32Array;
  logSoftmax: Float32Array;
}
const savedByOutput = new WeakMap<object, Saved>();

const forwardKernel: ForwardKernel = ({ inputs, backend }) => {
  const be = backend as Backend;
  const [B, C] = inputs.logits.shape;
  const z = readView(be, inputs.logits);
  const y = readCopy(be, inputs.labels);
  const logSoftmax = new Float32Array(B * C);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const o = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(z[o + c] - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < C; c++) {
      const lp = z[o + c] - lse;
      logSoftmax[o + c] = lp;
      total -= y[o + c] * lp;
    }
  }
  const loss = writeOutput(be, [], Float32Array.of(total / B));
  if (gradientsRecording()) savedByOutput.set(loss.dataId, { B, C, labels: y, logSoftmax });
  return [loss];
};

function gradient(dys: Tensor[], saved: Tensor[]): Record<string, () => Tensor> {
  const s = savedByOutput.get(saved[0].dataId);
  if (!s) throw new Error('softmaxCrossEntropy backward: the forward pass state is gone (was the loss disposed before the gradient?).');
  savedByOutput.delete(saved[0].dataId);
  const { B, C, labels, logSoftmax } = s;
  const scale = dys[0].dataSync()[0] / B;
  return {
    // d/dz_c of -sum_k y_k log p_k = p_c sum_k y_k - y_c
    logits: () => {
      const g = new Float32Array(B * C);
      for (let b = 0; b < B; b++) {
        const o = b * C;
        let ySum = 0;
        for (let c = 0; c < C; c++) ySum += labels[o + c];
        for (let c = 0; c < C; c++) g[o + c] = scale * (Math.exp(logSoftmax[o + c]) * ySum - labels[o + c]);
      }
      return tf.tensor2d(g, [B, C]);
    },
    labels: () => tf.tensor2d(logSoftmax.map((lp) => -scale * lp), [B, C]),
  };
}

function register(): void {
  registerFusedKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, forwardKernel, gradient);
}

/**
 * Softmax cross-entropy averaged over the batch, in one op with its gradient
 * (`CristalSpikingSoftmaxCrossEntropy`, plain JavaScript on any backend):
 *   L = -(1/B) sum_b sum_c y_bc log softmax(z_b)_c,   dL/dz_b = (softmax(z_b) sum_c y_bc - y_b) / B
 * with log-softmax max-shifted and summed in double. `labels` [B, C] are one-hot rows or
 * probabilities, `logits` [B, C]. The same value as `tf.losses.softmaxCrossEntropy(labels, logits)`
 * (its default reduction is this mean), from one kernel instead of about fifteen TF.js ops.
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor): Scalar {
  register();
  if (logits.rank !== 2 || logits.dtype !== 'float32') throw new Error(`logits must be float32 [B, C], got ${logits.dtype} [${logits.shape.join(', ')}].`);
  if (labels.rank !== 2 || labels.shape[0] !== logits.shape[0] || labels.shape[1] !== logits.shape[1]) {
    throw new Error(`labels must be [${logits.shape.join(', ')}] like the logits (one-hot rows or probabilities), got [${labels.shape.join(', ')}].`);
  }
  const y = labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32');
  const [loss] = runFusedKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { logits, labels: y }, {});
  if (y !== labels) y.dispose();
  return loss as Scalar;
}
