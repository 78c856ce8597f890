import type { Tensor } from '@cristal/tensor';
import type { ResetMode } from '../kernels/lif-kernel';

/**
 * How class scores are read from the output LIF layer over the T steps:
 *   'spike-count'    logits = sum_t s_t              (snnTorch's ce_count_loss)
 *   'mean-membrane'  logits = (1/T) sum_t v_t         (the benchmark network's loss)
 *   'max-membrane'   logits = max_t v_t
 * v_t is the membrane after the reset (`lifStep`'s `state.v`, `lifScan`'s `membrane` output); the
 * probabilities are softmax(logits).
 */
export type SpikingReadout = 'spike-count' | 'mean-membrane' | 'max-membrane';

export const SPIKING_READOUTS: readonly SpikingReadout[] = ['spike-count', 'mean-membrane', 'max-membrane'];

/** One fully connected projection followed by a layer of LIF neurons (see `lifStep`). */
export interface SpikingMlpLayer {
  /** [in, out], as in `x @ weight` (TF.js layout, not PyTorch's [out, in]). */
  weight: Tensor;
  /** [out] */
  bias: Tensor;
  /** Decay per step in (0, 1]: a number, a scalar tensor or one per neuron [out]. */
  beta: number | Tensor;
  /** Firing threshold > 0: same forms as beta. */
  threshold: number | Tensor;
  reset: ResetMode;
}

/**
 * A trained feedforward spiking network: pixels [B, 784] drive layer 1 with the constant current
 * pixels @ W1 + b1 at every one of `steps` steps (direct encoding); layer l + 1 receives s_l @ W + b;
 * the last layer has 10 neurons and is read out by `readout`.
 */
export interface SpikingMlpSpec {
  layers: readonly SpikingMlpLayer[];
  steps: number;
  readout: SpikingReadout;
}

const RESET_MODES: readonly ResetMode[] = ['subtract', 'zero', 'none'];
const INPUT_SIZE = 784;
const NUM_CLASSES = 10;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `value` is a number or a float32 scalar / [size] tensor whose values all satisfy `ok`. */
function checkNeuronParameter(value: number | Tensor, name: string, size: number, ok: (x: number) => boolean, range: string): void {
  if (typeof value === 'number') {
    if (!ok(value)) throw new Error(`${name} must be ${range}, got ${value}.`);
    return;
  }
  if (!(value.rank === 0 || (value.rank === 1 && value.shape[0] === size))) {
    throw new Error(`${name} must be a number, a scalar tensor or one value per neuron [${size}], got shape ${shapeText(value.shape)}.`);
  }
  if (value.dtype !== 'float32') throw new Error(`${name} must be float32, got ${value.dtype}.`);
  const values = value.dataSync();
  const bad = Array.from(values).findIndex((x) => !ok(x));
  if (bad >= 0) throw new Error(`${name} must be ${range} for every neuron, got ${values[bad]} at index ${bad}.`);
}

function checkFiniteTensor(t: Tensor, name: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name} has a non-finite value (${values[i]}) at flat index ${i}; the network cannot be run or exported.`);
  }
}

/** The sizes [784, h1, ..., 10] of a checked spec. */
export function spikingMlpSizes(spec: SpikingMlpSpec): number[] {
  return [spec.layers[0].weight.shape[0], ...spec.layers.map((l) => l.weight.shape[1] as number)];
}

/**
 * Throws an Error saying what is wrong and how to fix it unless `spec` is a runnable classifier:
 * 784 inputs, 10 outputs, chained shapes, float32 finite weights, beta in (0, 1] (as `lifParameters`),
 * threshold > 0, a known reset mode and readout, and an integer number of steps >= 1.
 */
export function checkSpikingMlpSpec(spec: SpikingMlpSpec): void {
  if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new Error(`steps must be an integer >= 1 (the simulated time steps T), got ${spec.steps}.`);
  if (!SPIKING_READOUTS.includes(spec.readout)) throw new Error(`readout must be one of ${SPIKING_READOUTS.map((r) => `'${r}'`).join(', ')}, got '${String(spec.readout)}'.`);
  if (spec.layers.length === 0) throw new Error('a spiking MLP needs at least one layer (the 10 output neurons).');
  let fanIn = INPUT_SIZE;
  spec.layers.forEach((layer, i) => {
    const name = `layer ${i + 1}`;
    const w = layer.weight.shape;
    if (layer.weight.rank !== 2) throw new Error(`${name}: weight must be [in, out], got shape ${shapeText(w)}.`);
    if (w[0] !== fanIn) {
      const source = i === 0 ? `the ${INPUT_SIZE} pixels` : `the ${fanIn} neurons of layer ${i}`;
      throw new Error(`${name}: weight is ${shapeText(w)} but its input is ${source}; it must be [${fanIn}, out] (TF.js layout x @ W; transpose a PyTorch [out, in] weight).`);
    }
    const out = w[1];
    if (layer.bias.rank !== 1 || layer.bias.shape[0] !== out) throw new Error(`${name}: bias must be [${out}] to match weight ${shapeText(w)}, got shape ${shapeText(layer.bias.shape)}.`);
    for (const [t, label] of [
      [layer.weight, 'weight'],
      [layer.bias, 'bias'],
    ] as const) {
      if (t.dtype !== 'float32') throw new Error(`${name}: ${label} must be float32, got ${t.dtype}.`);
      checkFiniteTensor(t, `${name}: ${label}`);
    }
    checkNeuronParameter(layer.beta, `${name}: beta`, out, (x) => x > 0 && x <= 1, 'in (0, 1]');
    checkNeuronParameter(layer.threshold, `${name}: threshold`, out, (x) => x > 0 && Number.isFinite(x), 'positive and finite');
    if (!RESET_MODES.includes(layer.reset)) throw new Error(`${name}: reset must be 'subtract', 'zero' or 'none', got '${String(layer.reset)}'.`);
    fanIn = out;
  });
  if (fanIn !== NUM_CLASSES) throw new Error(`the last layer must have ${NUM_CLASSES} neurons (one per class), got ${fanIn}; the layers map ${spikingMlpSizes(spec).join('-')}.`);
}
