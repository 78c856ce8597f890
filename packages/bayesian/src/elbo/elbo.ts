import { tf, type Scalar, type Tensor } from '@cristal/tensor';
import { softmaxCrossEntropy } from '../kernels/softmax-cross-entropy';

export interface ElboInputs {
  /** -log p(y | x, w) of each example of the batch, in nats, shape [B]. The mean over the batch is taken here. */
  nllPerExample: Tensor;
  /** KL(q || p) summed over every parameter of the model, in nats (as `Sequential.call` returns it). */
  kl: Scalar;
  /** N, the number of examples in the training set (not the batch size). */
  datasetSize: number;
  /** beta, the KL weight (1 for the true ELBO; see kl-schedule.ts). Default 1. */
  klWeight?: number;
}

export interface ElboTerms {
  /** nll + klTerm: what to minimise. */
  loss: Scalar;
  /** mean over the batch of -log p(y | x, w), nats per example. */
  nll: Scalar;
  /** beta KL / N, nats per example. */
  klTerm: Scalar;
}

/**
 * The negative ELBO per training example, estimated on a minibatch:
 *   loss = (1/B) sum_b -log p(y_b | x_b, w) + beta KL(q || p) / N
 * i.e. -ELBO / N for beta = 1 (Blundell et al. 2015 with the KL spread evenly over the N / B batches).
 * The NLL enters as one value per example and is averaged here, and the dataset size is a named
 * argument, because summing the NLL over the batch, or dividing the KL by the batch size or the number
 * of batches, silently reweights the prior by a factor of B or more.
 */
export function elboLoss(inputs: ElboInputs): ElboTerms {
  const { nllPerExample, kl, datasetSize, klWeight = 1 } = inputs;
  if (nllPerExample.rank !== 1) {
    throw new Error(`elboLoss: nllPerExample must be one value per example [B], got shape [${nllPerExample.shape.join(', ')}] (pass it before averaging or summing).`);
  }
  if (kl.rank !== 0) throw new Error(`elboLoss: kl must be a scalar (summed over the parameters), got shape [${kl.shape.join(', ')}].`);
  if (!Number.isInteger(datasetSize) || datasetSize < 1) throw new Error(`elboLoss: datasetSize must be the number of training examples, got ${datasetSize}.`);
  if (nllPerExample.shape[0] > datasetSize) throw new Error(`elboLoss: the batch (${nllPerExample.shape[0]}) is larger than datasetSize (${datasetSize}); datasetSize is N, the training-set size.`);
  if (!(klWeight >= 0) || !Number.isFinite(klWeight)) throw new Error(`elboLoss: klWeight must be finite and >= 0, got ${klWeight}.`);
  return tf.tidy(() => {
    const nll = tf.mean(nllPerExample) as Scalar;
    const klTerm = tf.mul(kl, klWeight / datasetSize) as Scalar;
    return { loss: tf.add(nll, klTerm) as Scalar, nll, klTerm };
  });
}

/**
 * -log softmax(logits)[y] per example, nats, [B]: logsumexp(z) - z_y, through a fused kernel with its
 * gradient softmax(z) - onehot(y). `labels` are class indices in [0, C) (int32 tensor or array).
 */
export function categoricalNll(logits: Tensor, labels: Tensor | ArrayLike<number>): Tensor {
  return tf.tidy(() => {
    if (logits.rank !== 2) throw new Error(`categoricalNll: logits must be [B, C], got shape [${logits.shape.join(', ')}].`);
    const y = labels instanceof tf.Tensor ? labels : tf.tensor1d(Array.from(labels), 'int32');
    return softmaxCrossEntropy(logits, y);
  });
}
