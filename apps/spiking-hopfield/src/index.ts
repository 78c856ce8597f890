// Public API of @cristal/spiking-hopfield.
export {};

// Spiking modern Hopfield retrieval (src/spiking/).
export * from './spiking/index';

// Runner experiments (`lab run spiking-hopfield:<name>`).
export { experiments } from './experiments/experiments';
export { CLASSIFIER_MODELS, type ClassifierModel, type ClassifierConfig } from './experiments/classifier/classifier.experiment';

// ---- Models (src/models/) and their ONNX exporters (src/onnx/) -------------------------------
// Classical binary Hopfield network
export { assertBipolar, signKeepingTies } from './models/classical/bipolar';
export { hebbianWeights } from './models/classical/hebbian-weights';
export { classicalEnergy } from './models/classical/classical-energy';
export { localFields, synchronousStep, retrieveSynchronous, type SynchronousOutcome, type SynchronousRetrieval } from './models/classical/synchronous';
export { updatedNeuron, retrieveAsynchronous, type AsynchronousOptions, type AsynchronousRetrieval, type NeuronFlip } from './models/classical/asynchronous';
export { ClassicalHopfieldNetwork } from './models/classical/classical-hopfield-network';
// Modern continuous Hopfield network
export { associate, associationScores, checkAssociation, type Association, type AssociationInputs } from './models/modern/associate';
export { modernEnergy } from './models/modern/modern-energy';
export { modernUpdate, modernRetrieve, modernEnergyTrajectory, type ModernRetrieval } from './models/modern/modern-update';
export { ModernHopfieldNetwork } from './models/modern/modern-hopfield-network';
// hopfield-layers forms
export { resolveSettings, type AssociationSettings } from './models/layers/association-settings';
export { flattenParameters, trainableVariables, disposeParameters, drawVariable } from './models/layers/parameters';
export { linearForward, initLinear, type LinearParameters } from './models/layers/linear';
export { Hopfield, hopfieldForward, initHopfield, type HopfieldConfig, type HopfieldParameters } from './models/layers/hopfield';
export { HopfieldPooling, hopfieldPoolingForward, initHopfieldPooling, type HopfieldPoolingConfig, type HopfieldPoolingParameters } from './models/layers/hopfield-pooling';
export { HopfieldLayer, hopfieldLayerForward, initHopfieldLayer, type HopfieldLayerConfig, type HopfieldLayerParameters } from './models/layers/hopfield-layer';
// MNIST classifiers
export { assertPixels, imageSetPixels } from './models/classifiers/pixels';
export { imagePatches, patchGrid } from './models/classifiers/patches';
export type { ClassifierOutput } from './models/classifiers/classifier-output';
export {
  HopfieldRetrievalClassifier,
  retrievalClassifierForward,
  retrievalMemory,
  checkRetrievalSettings,
  type RetrievalMemory,
  type RetrievalSettings,
  type RetrievalOutput,
} from './models/classifiers/hopfield-retrieval-classifier';
export {
  HopfieldPoolingClassifier,
  poolingClassifierForward,
  initPoolingClassifier,
  poolingPatchSize,
  type PoolingClassifierConfig,
  type PoolingClassifierParameters,
} from './models/classifiers/hopfield-pooling-classifier';
export {
  HopfieldLookupClassifier,
  lookupClassifierForward,
  initLookupClassifier,
  type LookupClassifierConfig,
  type LookupClassifierParameters,
} from './models/classifiers/hopfield-lookup-classifier';
// Spiking Hopfield lookup classifier (LIF-encoded rates query the lookup classifier's prototypes)
export {
  SpikingLookupClassifier,
  spikingLookupForward,
  encoderThresholdMargin,
  resolveLifEncoder,
  DEFAULT_LIF_ENCODER,
  type LifEncoderSettings,
  type SpikingLookupClassifierConfig,
  type SpikingLookupOutput,
} from './models/classifiers/spiking-lookup-classifier';
// ONNX exporters
export { emitAssociation, type EmittedAssociation } from './onnx/emit-association';
export { MODEL_FAMILIES, hopfieldMetadataProps, type HopfieldExportOptions } from './onnx/export-options';
export { RETRIEVED, exportRetrievalClassifier, exportRetrievalClassifierToFile } from './onnx/retrieval-exporter';
export { exportPoolingClassifier, exportPoolingClassifierToFile } from './onnx/pooling-exporter';
export { exportLookupClassifier, exportLookupClassifierToFile } from './onnx/lookup-exporter';
export { SPIKING_LOOKUP_FAMILY, exportSpikingLookupClassifier, exportSpikingLookupClassifierToFile } from './onnx/spiking-lookup-exporter';
// ---- end of Models -----------------------------------------------------------------------------
