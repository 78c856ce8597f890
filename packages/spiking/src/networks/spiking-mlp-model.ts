import { tf, type RandomStream, type Scalar, type Tensor, type Tensor1D, type Tensor2D, type Variable } from '@cristal/tensor';
import { lifLinear } from '../kernels/lif-linear';
import { lifMeanMembrane } from '../kernels/lif-mean-membrane';
import { lifScan } from '../kernels/lif-scan';
import { linearLifLinear } from '../kernels/linear-lif-linear';
import type { ResetMode } from '../kernels/lif-kernel';
import { surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import { checkSpikingMlpSpec, SPIKING_READOUTS, type SpikingMlpSpec, type SpikingReadout } from './spiking-mlp-spec';

/** The architecture and dynamics of a trainable feedforward LIF network (snnTorch's tutorial 5 defaults). */
export interface SpikingMlpConfig {
  /** [784, hidden..., 10]; every layer is a projection followed by LIF neurons. */
  sizes: readonly number[];
  /** Default 0.95. */
  beta?: number;
  /** Default 1. */
  threshold?: number;
  /** Default 'subtract'. */
  reset?: ResetMode;
  /** Time steps of direct-current input. Default 25. */
  steps?: number;
  /** Default 'mean-membrane' (cross-entropy on the time-averaged output membrane). */
  readout?: SpikingReadout;
  /** Default fast sigmoid, slope 25. */
  surrogate?: Surrogate;
  /** Treat the reset as a constant in the backward pass. Default false. */
  detachReset?: boolean;
}

export interface SpikingMlpParameters {
  weights: Variable[];
  biases: Variable[];
}

export interface SpikingMlpTrainingOutputs {
  /** [B, 10]: the readout, differentiable through the surrogate. */
  logits: Tensor2D;
  /** [L]: total spikes of each layer over the batch and steps (no gradient); null unless counted. */
  layerSpikes: Tensor1D | null;
}

type ResolvedConfig = Required<SpikingMlpConfig>;

function resolve(config: SpikingMlpConfig): ResolvedConfig {
  const c: ResolvedConfig = {
    sizes: config.sizes,
    beta: config.beta ?? 0.95,
    threshold: config.threshold ?? 1,
    reset: config.reset ?? 'subtract',
    steps: config.steps ?? 25,
    readout: config.readout ?? 'mean-membrane',
    surrogate: config.surrogate ?? makeSurrogate('fastSigmoid', 25),
    detachReset: config.detachReset ?? false,
  };
  if (c.sizes.length < 2 || c.sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`sizes must list at least the input and output widths as positive integers, e.g. [784, 1000, 10]; got [${c.sizes.join(', ')}].`);
  }
  if (!SPIKING_READOUTS.includes(c.readout)) throw new Error(`readout must be one of ${SPIKING_READOUTS.join(', ')}; got "${String(c.readout)}".`);
  return c;
}

/** torch.nn.Linear's default initialisation U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in TF.js layout [in, out]. */
export function initSpikingMlp(stream: RandomStream, sizes: readonly number[]): SpikingMlpParameters {
  const weights: Variable[] = [];
  const biases: Variable[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const bound = 1 / Math.sqrt(sizes[l - 1]);
    weights.push(tf.variable(stream.uniformTensor([sizes[l - 1], sizes[l]], -bound, bound)));
    biases.push(tf.variable(stream.uniformTensor([sizes[l]], -bound, bound)));
  }
  return { weights, biases };
}

/**
 * The training forward pass on the fused kernels: the input projection, layer 1 and its projection
 * onto layer 2 run in one `linearLifLinear` call (a packed SGEMM for pixels @ W1 and its weight
 * gradient; the spikes never leave the kernel), later hidden layers in `lifLinear`, the last layer in
 * `lifMeanMembrane` for the mean-membrane readout or `lifScan` otherwise. Same dynamics as
 * `spikingMlpForward` (the reference the ONNX export is held to), with surrogate gradients for BPTT.
 * pixels: [B, in] in [0, 1]. `countSpikes` (energy accounting) costs one more scan of the output
 * layer under the mean-membrane readout, so training leaves it off.
 */
export function spikingMlpTrainingForward(params: SpikingMlpParameters, config: SpikingMlpConfig, pixels: Tensor, countSpikes = false): SpikingMlpTrainingOutputs {
  const c = resolve(config);
  const out = tf.tidy((): { logits: Tensor2D; layerSpikes?: Tensor1D } => {
    const options = { reset: c.reset, surrogate: c.surrogate, detachReset: c.detachReset };
    const L = params.weights.length;
    const spikeTotals: Tensor[] = [];
    let current: Tensor;
    if (L === 1) {
      current = tf.add(tf.matMul(pixels, params.weights[0]), params.biases[0]);
    } else {
      const first = linearLifLinear(
        pixels,
        { inputWeight: params.weights[0], inputBias: params.biases[0], outputWeight: params.weights[1], outputBias: params.biases[1] },
        c.beta,
        c.threshold,
        null,
        { ...options, steps: c.steps },
      );
      if (countSpikes) spikeTotals.push(tf.sum(first.spikeCounts));
      current = first.output;
    }
    for (let l = 1; l < L - 1; l++) {
      const projected = lifLinear(current, params.weights[l + 1], c.beta, c.threshold, null, { ...options, steps: c.steps });
      if (countSpikes) spikeTotals.push(tf.sum(projected.spikeCounts));
      current = tf.add(projected.output, params.biases[l + 1]);
    }
    if (c.readout === 'mean-membrane') {
      // the membrane readout needs no spikes of the output layer for the loss: count them apart
      const mean = lifMeanMembrane(current, c.beta, c.threshold, null, { ...options, steps: c.steps }).mean;
      if (!countSpikes) return { logits: mean as Tensor2D };
      spikeTotals.push(tf.sum(lifScan(current, c.beta, c.threshold, null, { ...options, steps: c.steps }).spikes));
      return { logits: mean as Tensor2D, layerSpikes: tf.stack(spikeTotals) as Tensor1D };
    }
    const out = lifScan(current, c.beta, c.threshold, null, { ...options, steps: c.steps, membrane: c.readout !== 'spike-count' });
    if (countSpikes) spikeTotals.push(tf.sum(out.spikes));
    const logits = c.readout === 'spike-count' ? tf.sum(out.spikes, 0) : tf.max(out.membrane as Tensor, 0);
    return countSpikes ? { logits: logits as Tensor2D, layerSpikes: tf.stack(spikeTotals) as Tensor1D } : { logits: logits as Tensor2D };
  });
  return { logits: out.logits, layerSpikes: out.layerSpikes ?? null };
}

/** The description `spikingMlpForward` and `exportSpikingMlp` take, over the live variables. */
export function spikingMlpSpec(params: SpikingMlpParameters, config: SpikingMlpConfig): SpikingMlpSpec {
  const c = resolve(config);
  const spec: SpikingMlpSpec = {
    layers: params.weights.map((weight, l) => ({ weight, bias: params.biases[l], beta: c.beta, threshold: c.threshold, reset: c.reset })),
    steps: c.steps,
    readout: c.readout,
  };
  checkSpikingMlpSpec(spec);
  return spec;
}

/**
 * A trainable feedforward LIF classifier: named variables, a cross-entropy loss on the readout, and
 * probabilities, the shape a training loop such as the runner's `fitClassifier` takes.
 */
export class SpikingMlp {
  readonly config: ResolvedConfig;
  readonly params: SpikingMlpParameters;

  constructor(config: SpikingMlpConfig, stream: RandomStream) {
    this.config = resolve(config);
    this.params = initSpikingMlp(stream, this.config.sizes);
  }

  get variables(): Record<string, Variable> {
    const named: Record<string, Variable> = {};
    this.params.weights.forEach((w, l) => {
      named[`w${l + 1}`] = w;
      named[`b${l + 1}`] = this.params.biases[l];
    });
    return named;
  }

  logits(x: Tensor): Tensor2D {
    return spikingMlpTrainingForward(this.params, this.config, x).logits;
  }

  /** Mean softmax cross-entropy of the readout against integer labels [B]. */
  loss(x: Tensor, labels: Tensor1D): Scalar {
    return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, this.config.sizes[this.config.sizes.length - 1]), this.logits(x)) as Scalar);
  }

  probabilities(x: Tensor): Tensor2D {
    return tf.tidy(() => tf.softmax(this.logits(x)));
  }

  spec(): SpikingMlpSpec {
    return spikingMlpSpec(this.params, this.config);
  }

  dispose(): void {
    tf.dispose([...this.params.weights, ...this.params.biases]);
  }
}
