// Bayesian predictive coding (src/bayesian-pc/): Gaussian beliefs over the weights with closed-form
// local updates from the converged activities, optional Langevin inference over the value nodes,
// and the K-sample predictive distribution.
export { resolveBeliefOptions, assertBayesianPcOptions, type BeliefOptions, type BeliefOptionsInput } from './belief-options';
export { diagonalBeliefUpdate, diagonalPrior, diagonalBeliefTensors, type DiagonalLayerBelief, type DiagonalUpdateInputs } from './diagonal-belief';
export { conjugatePrior, conjugateUpdate, solveConjugate, sampleConjugate, splitConjugateMatrix, type ConjugateBelief } from './conjugate-last-layer';
export { choleskyLower, choleskySolve, solveLower, solveLowerTransposed } from './cholesky';
export {
  initWeightBeliefs,
  beliefMeans,
  updateWeightBeliefs,
  sampleWeightBeliefs,
  disposeWeightBeliefs,
  WEIGHT_SAMPLE_STREAM,
  type WeightBeliefs,
  type BeliefStatistics,
} from './weight-beliefs';
export { beliefStatistics } from './belief-statistics';
export { bayesianPredictive } from './bayesian-predictive';
export { BayesianPcTrainer, LANGEVIN_SEED_STREAM, type BayesianPcTrainerOptions, type BayesianPcInference, type BayesianPcStepReport } from './bayesian-pc-trainer';
export { readBeliefs, beliefsFromState, type BayesianPcState } from './bayesian-pc-state';
export { langevinRelax, disposeLangevinRelaxation, assertLangevinOptions, langevinNoiseScale, LANGEVIN_NOISE_STREAM, type LangevinOptions, type LangevinRelaxation } from './langevin-inference';
