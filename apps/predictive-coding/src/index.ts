// Public API of @cristal/predictive-coding.

// Discriminative predictive coding and its backprop twin (src/pc, src/backprop)
export * from './pc/index';
export * from './backprop/index';

// Spiking predictive coding: stochastic signed error spikes, leaky traces, online local learning on a stream (src/spiking-pc)
export * from './spiking-pc/index';

// Bayesian predictive coding: Gaussian beliefs over weights (diagonal, conjugate last layer), Langevin beliefs over latent states (src/bayesian-pc)
export * from './bayesian-pc/index';

// ONNX export of the PC feedforward predictor and of Bayesian PC as a K-sample ensemble (src/onnx)
export * from './onnx/index';

// Runner experiments (`lab run predictive-coding:<name>`): pc-vs-bp, equivalence, spiking-online (src/experiments)
export { experiments } from './experiments/experiments';
