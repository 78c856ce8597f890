// Public API of @cristal/predictive-coding.

// Discriminative predictive coding and its backprop twin (src/pc, src/backprop)
export * from './pc/index';
export * from './backprop/index';

// Spiking predictive coding: stochastic signed error spikes, leaky traces, online local learning on a stream (src/spiking-pc)
export * from './spiking-pc/index';
