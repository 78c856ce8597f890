import { tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';

/** How far a spiking retrieval is from the dense update it approximates, averaged over queries. */
export interface AttentionErrors {
  /** Mean total-variation distance (1/2) sum_i |p_i - q_i| between the spiking softmax estimate and softmax(beta X xi). */
  softmaxTv: number;
  /** Mean relative L2 error ||xi_spiking - xi_dense|| / ||xi_dense|| of the retrieved pattern. */
  patternRelError: number;
  /** Fraction of queries whose most active memory neuron (or WTA winner) is the dense argmax. */
  argmaxAgreement: number;
}

export function attentionErrors(spiking: { probabilities: Tensor2D; retrieved: Tensor2D; winner: Tensor1D }, dense: { probabilities: Tensor2D; retrieved: Tensor2D }): AttentionErrors {
  return tf.tidy(() => {
    const tv = tf.mean(tf.mul(tf.sum(tf.abs(tf.sub(spiking.probabilities, dense.probabilities)), 1), 0.5)).dataSync()[0];
    const rel = tf.mean(tf.div(tf.norm(tf.sub(spiking.retrieved, dense.retrieved), 'euclidean', 1), tf.maximum(tf.norm(dense.retrieved, 'euclidean', 1), 1e-12))).dataSync()[0];
    const agree = tf.mean(tf.cast(tf.equal(spiking.winner, tf.argMax(dense.probabilities, 1)), 'float32')).dataSync()[0];
    return { softmaxTv: tv, patternRelError: rel, argmaxAgreement: agree };
  });
}
