import { tf, RandomStreams, softmax, type RandomStream, type Tensor2D } from '@cristal/tensor';
import { disposePcParams, initPcParams, paramTensors, predict, readParams, type PcArchitecture, type PcParams, type PcParamValues } from '../pc';
import { resolveSpikingPcOptions, type SpikingPcOptions, type SpikingPcOptionsInput } from './spiking-pc-options';
import { spikingPcLearningStep, type SpikingBatchReport } from './spiking-pc-run';

export interface SpikingPcLearnerOptions {
  readonly architecture: PcArchitecture;
  /** Seeds the weights (initPcParams: the `init` stream, as the PC core) and the spikes (the `error-spikes` stream). */
  readonly seed: number;
  readonly spiking?: SpikingPcOptionsInput;
}

/** The random stream the error spikes of a learner with this seed are drawn from. */
export function errorSpikeStream(seed: number): RandomStream {
  return new RandomStreams(seed).stream('error-spikes');
}

/**
 * Thin stateful wrapper over the functional core: owns the parameters and the spike stream, and
 * learns online, one `learn` call per sample (or small mini-batch) as it arrives.
 */
export class SpikingPcLearner {
  readonly architecture: PcArchitecture;
  readonly options: SpikingPcOptions;
  private current: PcParams;
  private readonly stream: RandomStream;

  constructor(options: SpikingPcLearnerOptions) {
    this.architecture = options.architecture;
    this.options = resolveSpikingPcOptions(options.architecture, options.spiking);
    this.current = initPcParams(options.architecture, options.seed);
    this.stream = errorSpikeStream(options.seed);
  }

  /** The current parameters (owned by the learner: valid until the next `learn` or `dispose`). */
  get params(): PcParams {
    return this.current;
  }

  /** K time steps of spiking inference on the batch, then the local weight update. */
  learn(input: Tensor2D, target: Tensor2D): SpikingBatchReport {
    const { params, report } = spikingPcLearningStep(this.current, this.architecture, input, target, this.options, this.stream);
    if (params !== this.current) {
      disposePcParams(this.current);
      this.current = params;
    }
    return report;
  }

  /** Test-time readout: the feedforward sweep's output x̄_L, [B, n_L]; the caller disposes it. */
  predict(input: Tensor2D): Tensor2D {
    return predict(this.current, this.architecture, input);
  }

  /** softmax(x̄_L): the output read as class probabilities (the network itself is trained on squared error). */
  probabilities(input: Tensor2D): Tensor2D {
    return tf.tidy(() => softmax(predict(this.current, this.architecture, input)) as Tensor2D);
  }

  /** A copy of the current weights and biases. */
  snapshot(): PcParamValues {
    return readParams(this.current);
  }

  dispose(): void {
    tf.dispose(paramTensors(this.current));
  }
}
