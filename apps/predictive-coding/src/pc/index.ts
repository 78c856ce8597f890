// Discriminative predictive coding (src/pc/): a layered PC network trained by inference on value
// nodes and explicit local weight updates, never by automatic differentiation.
export { pcArchitecture, weightLayerCount, REFERENCE_ARCHITECTURE, PC_ACTIVATIONS, type PcArchitecture, type PcActivation } from './architecture';
export { initPcParams, disposePcParams, readParams, paramTensors, assertParamsMatch, type PcParams, type PcGradients, type PcParamValues } from './params';
export { feedforwardSweep, predict } from './feedforward';
export { resolvePcOptions, updateScale, DEFAULT_PC_OPTIONS, type PcOptions, type PcOptionsInput, type PcTarget, type PcPredictions } from './pc-options';
// categorical output (softmax cross-entropy on logits) for classification
export { PC_OUTPUTS, type PcOutput } from './pc-options';
export { categoricalError, categoricalEnergy } from './categorical-output';
export { outputProbabilities } from './feedforward';
export { predictionErrors, fixedPredictionErrors, energyFromErrors, pcEnergy, type PredictionErrors } from './energy';
export { relax, disposeRelaxation, type PcRelaxation, type RelaxOptions } from './inference';
// building blocks of the inference loop, for variants (precision learning, spiking PC) that reuse its steps
export { inferenceContext, initialValueNodes, presynapticActivity, contextErrors, valueNodeStep, outputLogits, type InferenceContext } from './inference';
export { localGradients, localGradientsFromErrors } from './local-updates';
export { pcTrainingStep, pcIncrementalStep, sgdRule, type PcStepOptions, type PcStepResult, type PcIncrementalResult, type PcUpdateRule } from './pc-step';
export { ParamOptimizer, trainableParams, assignParams, REFERENCE_OPTIMIZER, type OptimizerSpec, type TrainableParams, type TrainerState } from './optimizer';
export { NetworkTrainer } from './network-trainer';
export { PcTrainer, type PcTrainerOptions, type PcTrainStepReport } from './pc-trainer';
export { detectAutodiff, assertNoAutodiff, type AutodiffUse } from './autodiff-guard';
export { nativeOpsActive } from './native-ops';
// the fused native training step (native/pc_training_step.cc) and how the path is chosen
export { fusedTrainingStep, fusedStepUnsupported, usesFusedStep, pcKernelInfo, resolvePcKernel, PC_KERNELS, PC_NATIVE_THREADS, type PcKernel, type FusedStepResult } from './native-step';
