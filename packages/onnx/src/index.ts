// Public API of @cristal/onnx.
export { GraphBuilder, type GraphBuilderOptions, type BuildOptions } from './builder/graph-builder';
export { ShapeError } from './builder/shape-inference';
export { type Dim, type Shape, type Value, formatShape } from './builder/value';
export { DEFAULT_OPSET, IR_VERSION, MIN_OPSET, MAX_OPSET } from './builder/opset';
export { type DType, dataTypeName } from './proto/data-type';
export { OnnxModelError } from './proto/onnx-error';
export { encodeModel, decodeModel, readModelFile, writeModelFile, type ModelSource } from './proto/model-io';
export type { TensorData } from './proto/tensor-proto';
export {
  CLASSIFIER_SIGNATURE,
  PIXELS,
  PROBABILITIES,
  INPUT_SIZE,
  NUM_CLASSES,
  checkClassifierSignature,
  checkModelSignature,
  assertClassifierSignature,
  type SignatureCheck,
} from './signature/classifier-signature';
export { classifierMetadataProps, readModelMetadata, METADATA_KEYS, type ClassifierMetadata, type ModelMetadata } from './signature/classifier-metadata';
export { OnnxClassifier, type OnnxClassifierOptions, type ClassifierOutputs, type OutputTensor } from './runtime/onnx-classifier';
export { exportDenseMlp, exportDenseMlpToFile, emitDenseLayers, type DenseLayer, type DenseActivation, type DenseMlpExportOptions } from './exporters/dense-mlp';
export { verifyParity, DEFAULT_PARITY_TOLERANCE, type ParityReport, type ParityTolerance } from './verify/parity';
