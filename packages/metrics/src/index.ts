// Public API of @cristal/metrics.
export { matrix, type Matrix, type MatrixInput, type VectorInput } from './input/inputs';
export { accuracy, topKAccuracy, nll, brierScore, NLL_EPSILON } from './classification/classification';
export {
  expectedCalibrationError,
  maximumCalibrationError,
  adaptiveCalibrationError,
  binaryCalibrationError,
  reliabilityDiagram,
  topLabelConfidence,
  type CalibrationOptions,
} from './calibration/calibration-error';
export { equalWidthBins, equalMassBins, calibrationErrorFromBins, type CalibrationBin, type CalibrationNorm } from './calibration/binning';
export { fitTemperature, temperatureSoftmax, type TemperatureFit } from './calibration/temperature-scaling';
export { assessPredictive, type Assessment, type LabelledImages } from './assessment/assess-predictive';
export { mcUncertainty, rowEntropy, type McUncertainty, type SamplesInput } from './uncertainty/mc-uncertainty';
export { auroc, averagePrecision, fprAtTpr } from './ood/ranking';
export { oodDetection, type OodDetectionResult } from './ood/ood-detection';
export { lossSpikes, gradientNormVariance, aggregateSeeds, studentT975, type LossSpikeOptions, type SeedAggregate } from './stability/stability';
export {
  ENERGY_PRESETS,
  energyModel,
  energyReport,
  denseMacs,
  type EnergyModel,
  type EnergyPreset,
  type EnergyReport,
  type SpikeLayerActivity,
  type SpikeLayerReport,
} from './energy/energy';
