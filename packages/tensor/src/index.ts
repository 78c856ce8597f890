// Public API of @cristal/tensor.
export {};
