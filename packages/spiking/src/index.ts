// Public API of @cristal/spiking.
export { surrogate, spike, surrogateDerivative, surrogateDerivativeTensor, DEFAULT_SLOPES, type Surrogate, type SurrogateKind } from './surrogate/surrogates';
export { detach } from './surrogate/detach';
export { lifParameters, lifInitialState, lifStep, type LifParameters, type LifState, type LifOptions } from './neurons/lif';
export { lifScan, type LifScanOptions, type LifScanResult } from './kernels/lif-scan';
export { lifKernel, type ResetMode } from './kernels/lif-kernel';
