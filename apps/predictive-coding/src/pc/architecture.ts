/** Nonlinearity f applied to hidden value nodes before they predict the next layer. */
export type PcActivation = 'tanh' | 'sigmoid' | 'relu' | 'linear';

export const PC_ACTIVATIONS: readonly PcActivation[] = ['tanh', 'sigmoid', 'relu', 'linear'];

/**
 * A layered predictive-coding network (and its backprop twin): value nodes x_0..x_L with sizes
 * n_0..n_L; layer l predicts layer l+1 as mu_{l+1} = f_l(x_l) W_l + b_l, where f_0 is the identity
 * (x_0 holds the clamped input) and f_l = `activation` for the hidden layers 1..L-1. The output
 * layer x_L is compared linearly with the target (no output nonlinearity).
 */
export interface PcArchitecture {
  readonly sizes: readonly number[];
  readonly activation: PcActivation;
}

/** Validates and freezes an architecture, e.g. `pcArchitecture([784, 256, 256, 10], 'tanh')`. */
export function pcArchitecture(sizes: readonly number[], activation: PcActivation = 'tanh'): PcArchitecture {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`A predictive-coding network needs at least an input and an output layer: pass sizes like [784, 256, 10], got [${String(sizes)}].`);
  }
  sizes.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Layer ${l} size must be a positive integer, got ${n} (sizes [${sizes.join(', ')}]).`);
  });
  if (!PC_ACTIVATIONS.includes(activation)) {
    throw new Error(`Unknown activation "${String(activation)}": use one of ${PC_ACTIVATIONS.join(', ')}.`);
  }
  return Object.freeze({ sizes: Object.freeze([...sizes]), activation });
}

/** L, the number of weight layers (value-node layers minus one). */
export function weightLayerCount(architecture: PcArchitecture): number {
  return architecture.sizes.length - 1;
}

/** The reference workload of torch_pc.py: 784-256-256-10, tanh. */
export const REFERENCE_ARCHITECTURE: PcArchitecture = pcArchitecture([784, 256, 256, 10], 'tanh');
