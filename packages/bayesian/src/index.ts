// Public API of @cristal/bayesian.

// Priors
export { gaussianPrior, gaussianLogDensity, type GaussianPrior, type GaussianPriorOptions } from './priors/gaussian-prior';
export { scaleMixturePrior, scaleMixtureLogDensity, type ScaleMixturePrior } from './priors/scale-mixture-prior';
export { priorLogDensity, hasClosedFormKl, type Prior } from './priors/prior';
export { mopedPosterior, mopedLayer, type MopedOptions } from './priors/moped';

// Posterior parameters
export { softplus, inverseSoftplus } from './posterior/softplus';
export {
  createMeanFieldPosterior,
  posteriorStd,
  DEFAULT_RHO,
  DEFAULT_MEAN_INIT,
  type MeanFieldPosterior,
  type MeanInit,
  type InitialPosterior,
  type MeanFieldInitOptions,
} from './posterior/mean-field';
export { scalePosteriorStd } from './posterior/scale-posterior-std';

// KL divergence
export { klGaussianScalar, klGaussian, type GaussianStd } from './kl/gaussian-kl';
export { monteCarloKl, type MonteCarloKlOptions } from './kl/monte-carlo-kl';
export { posteriorKl, STANDARD_NORMAL_PRIOR } from './kl/posterior-kl';

// Fused kernels (registered TF.js kernels with gradients; native, with JavaScript fallbacks)
export { meanFieldGaussian, MEAN_FIELD_GAUSSIAN_KERNEL, type MeanFieldTerms, type ScaleKind } from './kernels/mean-field-gaussian';
export { denseLocalReparamFused, denseLocalReparamFusedAvailable, DENSE_LOCAL_REPARAM_KERNEL } from './kernels/dense-local-reparam-kernel';
export { localReparamOutput, LOCAL_REPARAM_OUTPUT_KERNEL } from './kernels/local-reparam-output';
export { fillStandardNormal } from './kernels/standard-normal';
export { kernelInfo } from './kernels/addon';

// Layers
export { isVariational, type Layer, type VariationalLayer, type CallOptions, type LayerOutput } from './layers/layer';
export { VariationalBase, type VariationalLayerOptions } from './layers/variational-base';
export { DenseReparam, denseReparamForward, type DenseVariationalOptions } from './layers/dense-reparam';
export { DenseLocalReparam, denseLocalReparamForward } from './layers/dense-local-reparam';
export { DenseFlipout, denseFlipoutForward } from './layers/dense-flipout';
export { Conv2dReparam, conv2dReparamForward, type Conv2dVariationalOptions, type Conv2dGeometry } from './layers/conv2d-reparam';
export { Conv2dFlipout, conv2dFlipoutForward } from './layers/conv2d-flipout';
export { Dense, type DenseOptions } from './layers/dense';
export { Conv2d, type Conv2dOptions } from './layers/conv2d';
export { McDropout, mcDropout } from './layers/mc-dropout';
export { Activation, activate, type ActivationKind } from './layers/activation';
export { Flatten, ToImage, MaxPool2d } from './layers/reshape-layers';
export { normalNoise, rademacher } from './layers/noise';

// Models
export { Sequential, type Model, type ModelOutput } from './models/sequential';
export { bayesianMlp, type BayesianMlpOptions, type DenseEstimator } from './models/bayesian-mlp';

// ELBO
export { elboLoss, categoricalNll, type ElboInputs, type ElboTerms } from './elbo/elbo';
export { constantKlWeight, linearKlWarmup, cyclicalKlWeight, type KlSchedule } from './elbo/kl-schedule';
export { klReport, type KlReport, type LayerKl } from './elbo/kl-report';

// Baselines and predictive sampling
export { DeepEnsemble, type DeepEnsembleOptions } from './baselines/deep-ensemble';
export { predictiveSamples, ensemblePredictive, type PredictiveOptions, type PredictiveSamples } from './predictive/predictive-samples';
// Information geometry
export { type DiagonalGaussian } from './info-geometry/diagonal-gaussian';
export { diagonalGaussianKl } from './info-geometry/diagonal-gaussian-kl';
export { fisherRaoUnivariate, fisherRaoDistance } from './info-geometry/fisher-rao';
export { posteriorDrift, type PosteriorDrift } from './info-geometry/posterior-drift';
export {
  logLikelihood,
  sampleTargets,
  fisherTerms,
  disposeFisherTerms,
  type OutputLikelihood,
  type FisherLabels,
  type FisherTerm,
  type FisherTermOptions,
} from './info-geometry/output-likelihood';
export { fisherDiagonal, type FisherOptions } from './info-geometry/fisher-diagonal';
export { denseFisherDiagonal, denseForward, type DenseLayer, type DenseFisher } from './info-geometry/dense-fisher';
export { fisherTrace, type FisherTraces } from './info-geometry/fisher-trace';
export {
  trustRegionScale,
  fisherTrustRegion,
  gaussianTrustRegion,
  interpolateGaussian,
  type FisherTrustRegionResult,
  type GaussianTrustRegionResult,
} from './info-geometry/trust-region';
// Natural-gradient variational optimiser
export { ivonUpdate, ivonHessianUpdate, ivonStd, type IvonBuffers, type IvonUpdateParameters } from './optim/ivon-update';
export { Ivon, type IvonOptions, type IvonState, type IvonPosterior, type IvonStepInfo, type IvonTrustRegion } from './optim/ivon';
// ONNX export (Bayesian MLPs: posterior mean or a seeded ensemble of weight samples)
export { exportBayesianMlp, exportBayesianMlpToFile } from './onnx/export-bayesian-mlp';
export {
  BAYESIAN_MLP_FAMILY,
  BAYESIAN_METADATA_KEYS,
  type BayesianMlpExportOptions,
  type ExportPosterior,
} from './onnx/export-options';
export { sampleEnsembleWeights, ENSEMBLE_STREAM } from './onnx/ensemble-weights';
export { posteriorMeanLayers } from './onnx/posterior-mean-layers';
export { pointDenseLogits, disposePointDenseLayers, type PointDenseLayer } from './onnx/point-dense-layers';
export { posteriorMeanProbabilities, ensembleProbabilities } from './onnx/tfjs-reference';
export { lowerBayesianMlp, SUPPORTED_EXPORT_LAYERS, type LoweredMlp, type LoweredDense, type LoweredParameter, type ExportActivation } from './onnx/lowered-mlp';
// ONNX export of LeNets and MLPs, MC-dropout ensembles, deep ensembles of models, temperature
export { exportBayesianNetwork, exportBayesianNetworkToFile } from './onnx/export-bayesian-network';
export { exportModelEnsemble, exportModelEnsembleToFile } from './onnx/export-model-ensemble';
export { type BayesianNetworkExportOptions } from './onnx/export-options';
export { lowerBayesianNetwork, SUPPORTED_NETWORK_LAYERS } from './onnx/lowered-network';
export { posteriorMeanNetwork, sampleNetworkEnsemble } from './onnx/sample-networks';
export { foldDropoutMasks } from './onnx/fold-dropout';
export { DROPOUT_MASK_STREAM } from './onnx/ensemble-streams';
export {
  disposePointNetworks,
  type PointNetwork,
  type LoweredNetwork,
  type NetworkStep,
  type ImageStep,
  type ConvStep,
  type DenseStep,
  type MaxPoolStep,
  type FlattenStep,
  type ActivationStep,
  type DropoutStep,
} from './onnx/network-steps';
