/**
 * Opset 21 (ONNX 1.16) is the default: recent enough that ReduceSum and ReduceMean both take their axes
 * as an input (opset 18), old enough for every runtime we score on (onnxruntime-node 1.30 reads up to
 * 26; the PyTorch exporters write 17-20). IR version 10 is the one ONNX 1.16 pairs with opset 21.
 */
export const DEFAULT_OPSET = 21;
export const IR_VERSION = 10;
/** Below 13 Squeeze, Unsqueeze and ReduceSum took axes as attributes; we do not emit those forms. */
export const MIN_OPSET = 13;
/** The newest default-domain opset onnxruntime-node 1.30 implements. */
export const MAX_OPSET = 26;
export const PRODUCER_NAME = '@cristal/onnx';
export const PRODUCER_VERSION = '0.0.0';
