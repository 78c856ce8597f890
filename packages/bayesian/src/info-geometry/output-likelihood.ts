import { logSoftmax, oneHot, softmax, tf, type RandomStream, type Tensor } from '@cristal/tensor';

/**
 * The distribution a network's outputs parameterise, p(y | x, theta):
 * - `categorical`: outputs are logits [N, C]; targets are class indices [N];
 * - `bernoulli`: outputs are logits [N] or [N, 1] (logistic regression); targets are 0/1 [N];
 * - `gaussian`: outputs are means [N] or [N, D] with known noise `std`; targets have the same shape.
 */
export type OutputLikelihood = { kind: 'categorical' } | { kind: 'bernoulli' } | { kind: 'gaussian'; std: number };

/** Per-example log-likelihood log p(y_i | outputs_i) in nats, shape [N], differentiable in `outputs`. */
export function logLikelihood(likelihood: OutputLikelihood, outputs: Tensor, targets: Tensor): Tensor {
  return tf.tidy(() => {
    switch (likelihood.kind) {
      case 'categorical': {
        if (outputs.rank !== 2) throw new Error(`categorical likelihood: logits must be [N, C], got [${outputs.shape.join(', ')}].`);
        const y = oneHot(targets, outputs.shape[1] as number, 'targets');
        return tf.sum(tf.mul(y, logSoftmax(outputs, -1)), -1);
      }
      case 'bernoulli': {
        const z = bernoulliLogits(outputs);
        const y = tf.reshape(targets, z.shape).toFloat();
        // y z - softplus(z) = log sigmoid(z) for y = 1 and log sigmoid(-z) for y = 0, without overflow
        return tf.sub(tf.mul(y, z), tf.softplus(z));
      }
      case 'gaussian': {
        assertStd(likelihood.std);
        const means = outputs.rank === 1 ? tf.reshape(outputs, [-1, 1]) : outputs;
        const y = tf.reshape(targets, means.shape).toFloat();
        const r = tf.div(tf.sub(y, means), likelihood.std);
        const perDim = tf.sub(tf.mul(-0.5, tf.square(r)), Math.log(likelihood.std) + 0.5 * Math.log(2 * Math.PI));
        return tf.sum(perDim, -1);
      }
    }
  });
}

/**
 * Targets drawn from the model's own predictive distribution p(y | x, theta), one per example, from
 * the seeded stream (inverse-CDF for categories, u < sigmoid(z) for Bernoulli, f + std eps for
 * Gaussians). Categorical targets are int32; the others float32.
 */
export function sampleTargets(likelihood: OutputLikelihood, outputs: Tensor, random: RandomStream): Tensor {
  switch (likelihood.kind) {
    case 'categorical': {
      const [n, c] = outputs.shape;
      const probs = valuesOf(tf.tidy(() => softmax(outputs, -1)));
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const u = random.uniform();
        let cumulative = 0;
        let k = 0;
        // The last class takes whatever rounding leaves above the cumulative sum.
        for (; k < c - 1; k++) {
          cumulative += probs[i * c + k];
          if (u < cumulative) break;
        }
        labels[i] = k;
      }
      return tf.tensor1d(labels, 'int32');
    }
    case 'bernoulli': {
      const p = valuesOf(tf.tidy(() => tf.sigmoid(bernoulliLogits(outputs))));
      const y = new Float32Array(p.length);
      for (let i = 0; i < p.length; i++) y[i] = random.uniform() < p[i] ? 1 : 0;
      return tf.tensor1d(y, 'float32');
    }
    case 'gaussian': {
      assertStd(likelihood.std);
      const noise = random.fillNormal(new Float32Array(outputs.size), 0, likelihood.std);
      return tf.tidy(() => tf.add(outputs, tf.tensor(noise, outputs.shape, 'float32')));
    }
  }
}

/** Where the labels of a Fisher estimate come from. */
export type FisherLabels =
  /** The observed targets: the empirical Fisher (Kunstner, Hennig and Balles 2019). */
  | 'observed'
  /** The exact expectation over the model's predictive p(y | x): the (true) Fisher information. */
  | 'expected'
  /** Monte-Carlo labels y ~ p(y | x) from a seeded stream: an unbiased estimate of the true Fisher. */
  | 'sampled';

/**
 * One term of a diagonal Fisher estimate, F = (1/N) sum_i sum_k scale_k w_ik (d phi_k(outputs_i, t_ik) / d theta)^2.
 * `weights` (constant, [N]) and `targets` are per example; `phi` returns one value per example.
 */
export interface FisherTerm {
  scale: number;
  weights: Tensor | null;
  targets: Tensor | null;
  phi: (outputs: Tensor, targets: Tensor | null) => Tensor;
}

export interface FisherTermOptions {
  labels?: FisherLabels;
  /** Label samples per example when `labels` is 'sampled' (default 1). */
  samples?: number;
  /** Required when `labels` is 'sampled'. */
  random?: RandomStream;
}

/**
 * The terms whose squared per-example gradients make up each kind of diagonal Fisher:
 * - observed: one term, phi = log p(y_i | x_i);
 * - expected, categorical or Bernoulli: one term per label value k, weighted by p(k | x_i) (the
 *   expectation E_y[(grad log p(y))^2] written out; Bernoulli gives p(1 - p) (grad z)^2);
 * - expected, Gaussian: one term per output dimension d, phi = f_d / std, since E_y[g g^T] =
 *   J^T J / std^2 for a Gaussian with known std (the Fisher as a generalised Gauss-Newton matrix:
 *   Martens 2020, "New insights and perspectives on the natural gradient method");
 * - sampled: S terms of phi = log p(y~_is | x_i), each scaled by 1 / S.
 * `outputs` are the model's outputs for the whole batch (values only: weights and samples are
 * constants). The caller disposes the terms with `disposeFisherTerms`.
 */
export function fisherTerms(likelihood: OutputLikelihood, outputs: Tensor, targets: Tensor, options: FisherTermOptions = {}): FisherTerm[] {
  const { labels = 'observed', samples = 1 } = options;
  const logLik = (out: Tensor, t: Tensor | null): Tensor => logLikelihood(likelihood, out, t as Tensor);
  switch (labels) {
    case 'observed':
      return [{ scale: 1, weights: null, targets: tf.clone(targets), phi: logLik }];
    case 'sampled': {
      if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples must be a positive integer, got ${samples}.`);
      const random = options.random;
      if (!random) throw new Error("Fisher with labels 'sampled' needs a seeded `random` stream.");
      return Array.from({ length: samples }, () => ({ scale: 1 / samples, weights: null, targets: sampleTargets(likelihood, outputs, random), phi: logLik }));
    }
    case 'expected':
      return expectedTerms(likelihood, outputs, logLik);
    default:
      throw new Error(`Unknown Fisher labels "${labels as string}": use 'observed', 'expected' or 'sampled'.`);
  }
}

function expectedTerms(likelihood: OutputLikelihood, outputs: Tensor, logLik: FisherTerm['phi']): FisherTerm[] {
  const n = outputs.shape[0];
  switch (likelihood.kind) {
    case 'categorical': {
      const c = outputs.shape[1] as number;
      const probs = tf.tidy(() => softmax(outputs, -1));
      const terms = Array.from({ length: c }, (_, k): FisherTerm => ({
        scale: 1,
        weights: tf.tidy(() => tf.reshape(tf.slice(probs, [0, k], [n, 1]), [n])),
        targets: tf.fill([n], k, 'int32'),
        phi: logLik,
      }));
      probs.dispose();
      return terms;
    }
    case 'bernoulli': {
      const p = tf.tidy(() => tf.sigmoid(bernoulliLogits(outputs)));
      return [
        { scale: 1, weights: p, targets: tf.ones([n]), phi: logLik },
        { scale: 1, weights: tf.tidy(() => tf.sub(1, p)), targets: tf.zeros([n]), phi: logLik },
      ];
    }
    case 'gaussian': {
      assertStd(likelihood.std);
      const { std } = likelihood;
      const d = outputs.rank === 1 ? 1 : outputs.size / n;
      return Array.from({ length: d }, (_, k) => ({
        scale: 1,
        weights: null,
        targets: null,
        phi: (out: Tensor) => tf.tidy(() => tf.div(tf.reshape(tf.slice(tf.reshape(out, [out.shape[0], d]), [0, k], [-1, 1]), [-1]), std)),
      }));
    }
  }
}

export function disposeFisherTerms(terms: FisherTerm[]): void {
  for (const t of terms) tf.dispose([t.weights, t.targets].filter((x): x is Tensor => x !== null));
}

/** Reads and frees an intermediate tensor. */
function valuesOf(t: Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function bernoulliLogits(outputs: Tensor): Tensor {
  if (!(outputs.rank === 1 || (outputs.rank === 2 && outputs.shape[1] === 1))) {
    throw new Error(`bernoulli likelihood: logits must be [N] or [N, 1], got [${outputs.shape.join(', ')}].`);
  }
  return tf.reshape(outputs, [outputs.shape[0]]);
}

function assertStd(std: number): void {
  if (!(std > 0) || !Number.isFinite(std)) throw new Error(`gaussian likelihood: std must be positive and finite, got ${std}.`);
}
