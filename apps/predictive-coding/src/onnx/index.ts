// ONNX export of the PC feedforward predictor and of Bayesian PC (src/onnx/), through
// @cristal/bayesian's exporters, with the shared classifier signature of @cristal/onnx.
export { exportPcPredictor, exportPcPredictorToFile, exportPcEnsemble, exportPcEnsembleToFile } from './export-pc-predictor';
export { exportBayesianPc, exportBayesianPcToFile, type BayesianPcExportOptions } from './export-bayesian-pc';
export { pcPointSequential } from './pc-sequential';
export { PC_METADATA_KEYS, type PcExportOptions } from './export-options';
