// Public API of @cristal/onnx.
export {};
