import { tf, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from './architecture';

/**
 * Parameters of the network: weights[l] is W_l with shape [n_l, n_{l+1}] (input-major, so that
 * mu_{l+1} = f(x_l) W_l + b_l with row-vector samples), biases[l] is b_l with shape [n_{l+1}].
 * The same structure carries gradients (PcGradients).
 */
export interface PcParams {
  readonly weights: readonly Tensor2D[];
  readonly biases: readonly Tensor1D[];
}

/** d objective / d parameter, shaped like PcParams; an optimiser descends them. */
export type PcGradients = PcParams;

/** Plain-array copy of parameters (snapshots, checkpoints, tests). */
export interface PcParamValues {
  readonly weights: Float32Array[];
  readonly biases: Float32Array[];
}

/**
 * Seeded initialisation shared by the PC network and its backprop twin, as in torch_pc.py:
 * W_l ~ N(0, 1 / n_l) (fan-in scaling, so tanh units start in their linear range), b_l = 0.
 * The weights are drawn from the `init` stream of `new RandomStreams(seed)` in layer order, so the
 * same seed gives bit-identical weights on every backend.
 */
export function initPcParams(architecture: PcArchitecture, seed: number): PcParams {
  const rng = new RandomStreams(seed);
  const { sizes } = architecture;
  const weights: Tensor2D[] = [];
  const biases: Tensor1D[] = [];
  for (let l = 0; l < weightLayerCount(architecture); l++) {
    weights.push(rng.init.normalTensor([sizes[l], sizes[l + 1]], 0, Math.sqrt(1 / sizes[l])) as Tensor2D);
    biases.push(tf.zeros([sizes[l + 1]]) as Tensor1D);
  }
  return { weights, biases };
}

/** Throws unless `params` has the shapes `architecture` asks for. */
export function assertParamsMatch(architecture: PcArchitecture, params: PcParams, what = 'parameters'): void {
  const L = weightLayerCount(architecture);
  if (params.weights.length !== L || params.biases.length !== L) {
    throw new Error(`The ${what} have ${params.weights.length} weight and ${params.biases.length} bias tensors; the architecture [${architecture.sizes.join(', ')}] has ${L} layers.`);
  }
  const { sizes } = architecture;
  for (let l = 0; l < L; l++) {
    const [rows, cols] = params.weights[l].shape;
    if (rows !== sizes[l] || cols !== sizes[l + 1]) {
      throw new Error(`The ${what}: W_${l} has shape [${rows}, ${cols}], expected [${sizes[l]}, ${sizes[l + 1]}] for sizes [${sizes.join(', ')}].`);
    }
    if (params.biases[l].rank !== 1 || params.biases[l].shape[0] !== sizes[l + 1]) {
      throw new Error(`The ${what}: b_${l} has shape [${params.biases[l].shape.join(', ')}], expected [${sizes[l + 1]}].`);
    }
  }
}

export function paramTensors(params: PcParams): (Tensor1D | Tensor2D)[] {
  return [...params.weights, ...params.biases];
}

export function disposePcParams(params: PcParams): void {
  tf.dispose(paramTensors(params));
}

/** Copies parameters (or gradients) out of TF.js. */
export function readParams(params: PcParams): PcParamValues {
  return {
    weights: params.weights.map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    biases: params.biases.map((b) => Float32Array.from(b.dataSync() as Float32Array)),
  };
}
