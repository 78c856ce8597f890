// The backprop twin of the predictive-coding network (src/backprop/): same architecture,
// initialisation and optimiser, gradients by reverse-mode autodiff of a squared-error or
// cross-entropy loss.
export { outputLoss, mlpLoss, assertTwinLoss, TWIN_LOSSES, type TwinLoss } from './mlp-loss';
export { backpropGradients } from './backprop-gradients';
export { BackpropTrainer, type BackpropTrainerOptions } from './backprop-trainer';
