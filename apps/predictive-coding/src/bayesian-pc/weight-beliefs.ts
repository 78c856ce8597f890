import { tf, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from '../pc/architecture';
import { disposePcParams, initPcParams, type PcParams } from '../pc/params';
import type { PcOptions } from '../pc/pc-options';
import { tidy } from '../pc/tidy';
import type { BeliefOptions } from './belief-options';
import { conjugatePrior, conjugateUpdate, sampleConjugate, splitConjugateMatrix, type ConjugateBelief } from './conjugate-last-layer';
import { diagonalBeliefTensors, diagonalBeliefUpdate, diagonalPrior, type DiagonalLayerBelief } from './diagonal-belief';

/**
 * Beliefs over every weight of the network: mean-field Gaussians for layers 0..L-1, or for layers
 * 0..L-2 with the last layer's exact matrix-normal belief (`conjugate`, lastLayer: 'conjugate').
 */
export interface WeightBeliefs {
  readonly diagonal: readonly DiagonalLayerBelief[];
  readonly conjugate: ConjugateBelief | null;
}

/** The converged quantities the weight updates read, per layer l: f(x_l) and eps_{l+1}; and x_L for the conjugate layer. */
export interface BeliefStatistics {
  readonly presynaptic: readonly Tensor2D[];
  readonly errors: readonly Tensor2D[];
  /** x_L, the clamped output (the conjugate layer regresses it on f(x_{L-1})). */
  readonly output: Tensor2D;
}

/**
 * Prior beliefs: precision lambda0_l everywhere, means at initPcParams(architecture, seed) (a draw
 * from N(0, 1/n_l), i.e. from the prior when lambda0 is 'fan-in'; a draw rather than the prior mean 0
 * so that hidden units start different). New tensors.
 */
export function initWeightBeliefs(architecture: PcArchitecture, seed: number, options: BeliefOptions): WeightBeliefs {
  const L = weightLayerCount(architecture);
  const initial = initPcParams(architecture, seed);
  try {
    const conjugateLayer = options.lastLayer === 'conjugate';
    const diagonalCount = conjugateLayer ? L - 1 : L;
    const diagonal = Array.from({ length: diagonalCount }, (_, l) => diagonalPrior(initial.weights[l], initial.biases[l], options.priorPrecision[l]));
    const conjugate = conjugateLayer
      ? conjugatePrior(initial.weights[L - 1].dataSync() as Float32Array, initial.biases[L - 1].dataSync() as Float32Array, architecture.sizes[L - 1], architecture.sizes[L], options.priorPrecision[L - 1])
      : null;
    return { diagonal, conjugate };
  } finally {
    disposePcParams(initial);
  }
}

/** The posterior means as network parameters (new tensors): what inference and the mean predictor use. */
export function beliefMeans(beliefs: WeightBeliefs): PcParams {
  const weights: Tensor2D[] = beliefs.diagonal.map((b) => tf.clone(b.mean));
  const biases: Tensor1D[] = beliefs.diagonal.map((b) => tf.clone(b.biasMean));
  const c = beliefs.conjugate;
  if (c) {
    const { weights: w, bias } = splitConjugateMatrix(c, c.mean);
    weights.push(tf.tensor2d(w, [c.rows - 1, c.columns]));
    biases.push(tf.tensor1d(bias));
  }
  return { weights, biases };
}

/**
 * One local update of every layer's belief from the statistics of a converged batch (new beliefs;
 * the caller frees the old ones with disposeWeightBeliefs). Layer l uses pi_{l+1} = precisions[l].
 */
export function updateWeightBeliefs(beliefs: WeightBeliefs, statistics: BeliefStatistics, pc: PcOptions, options: BeliefOptions): WeightBeliefs {
  const L = statistics.errors.length;
  const diagonal = beliefs.diagonal.map((belief, l) =>
    diagonalBeliefUpdate(belief, {
      presynaptic: statistics.presynaptic[l],
      error: statistics.errors[l],
      errorPrecision: pc.precisions[l],
      priorPrecision: options.priorPrecision[l],
      forgetting: options.forgetting,
    }),
  );
  let conjugate = beliefs.conjugate;
  if (conjugate) {
    const features = statistics.presynaptic[L - 1];
    conjugate = conjugateUpdate(conjugate, features.dataSync(), statistics.output.dataSync(), features.shape[0], {
      errorPrecision: pc.precisions[L - 1],
      forgetting: options.forgetting,
      solveEvery: options.solveEvery,
    });
  }
  return { diagonal, conjugate };
}

/** The stream weight samples are drawn from: `new RandomStreams(seed).stream(WEIGHT_SAMPLE_STREAM)`. */
export const WEIGHT_SAMPLE_STREAM = 'bpc-weights';

/**
 * K networks drawn from the beliefs (new tensors; free each with disposePcParams). Order, so that a
 * seed fixes every number and sample k does not depend on K: for k = 0..K-1, for each diagonal layer
 * in order, z_W (row-major) then z_b, W = m + z / sqrt(lambda); then the conjugate layer's Z [d, n_L]
 * (float64), W = M + L^{-T} Z.
 */
export function sampleWeightBeliefs(beliefs: WeightBeliefs, samples: number, seed: number): PcParams[] {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples (K) must be a positive integer number of weight samples, got ${samples}.`);
  const rng = new RandomStreams(seed).stream(WEIGHT_SAMPLE_STREAM);
  const out: PcParams[] = [];
  for (let k = 0; k < samples; k++) {
    out.push(
      tidy(() => {
        const weights: Tensor2D[] = [];
        const biases: Tensor1D[] = [];
        for (const b of beliefs.diagonal) {
          weights.push(tf.add(b.mean, tf.div(rng.normalTensor(b.mean.shape), tf.sqrt(b.precision))) as Tensor2D);
          biases.push(tf.add(b.biasMean, tf.div(rng.normalTensor(b.biasMean.shape), tf.sqrt(b.biasPrecision))) as Tensor1D);
        }
        const c = beliefs.conjugate;
        if (c) {
          const { weights: w, bias } = splitConjugateMatrix(c, sampleConjugate(c, rng));
          weights.push(tf.tensor2d(w, [c.rows - 1, c.columns]));
          biases.push(tf.tensor1d(bias));
        }
        return { weights, biases };
      }),
    );
  }
  return out;
}

export function disposeWeightBeliefs(beliefs: WeightBeliefs): void {
  tf.dispose(beliefs.diagonal.flatMap(diagonalBeliefTensors));
}
