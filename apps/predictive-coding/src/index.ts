// Public API of @cristal/predictive-coding.

// Discriminative predictive coding and its backprop twin (src/pc, src/backprop)
export * from './pc/index';
export * from './backprop/index';
