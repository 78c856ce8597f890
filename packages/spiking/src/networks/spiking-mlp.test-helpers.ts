import { tf, RandomStreams, type Tensor } from '@cristal/tensor';
import type { ResetMode } from '../kernels/lif-kernel';
import type { SpikingMlpLayer, SpikingMlpSpec, SpikingReadout } from './spiking-mlp-spec';

export interface RandomSpikingMlpOptions {
  sizes: readonly number[];
  steps: number;
  readout: SpikingReadout;
  reset?: ResetMode;
  beta?: number;
  threshold?: number;
  /** One random beta in [0.8, 1] and threshold in [0.5, 1.5] per neuron instead of the scalars. */
  perNeuron?: boolean;
}

/** Layers with torch.nn.Linear's init scale (uniform +-1/sqrt(fan in)) from a seeded stream. */
export function randomSpikingMlp(seed: number, options: RandomSpikingMlpOptions): SpikingMlpSpec {
  const rng = new RandomStreams(seed);
  const { sizes, steps, readout, reset = 'subtract', beta = 0.95, threshold = 1, perNeuron = false } = options;
  const layers: SpikingMlpLayer[] = sizes.slice(1).map((out, i) => {
    const bound = 1 / Math.sqrt(sizes[i]);
    return {
      weight: rng.init.uniformTensor([sizes[i], out], -bound, bound),
      bias: rng.init.uniformTensor([out], -bound, bound),
      beta: perNeuron ? rng.init.uniformTensor([out], 0.8, 1) : beta,
      threshold: perNeuron ? rng.init.uniformTensor([out], 0.5, 1.5) : threshold,
      reset,
    };
  });
  return { layers, steps, readout };
}

/** Every tensor a spec holds, for disposal. */
export function specTensors(spec: SpikingMlpSpec): Tensor[] {
  return spec.layers.flatMap((l) => [l.weight, l.bias, l.beta, l.threshold].filter((x): x is Tensor => x instanceof tf.Tensor));
}
