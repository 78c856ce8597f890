import type { GraphBuilder, Value } from '@cristal/onnx';
import type { Tensor } from '@cristal/tensor';
import type { ResetMode } from '../kernels/lif-kernel';
import { checkSpikingMlpSpec, type SpikingMlpLayer, type SpikingMlpSpec } from '../networks/spiking-mlp-spec';

/** What `emitSpikingMlp` leaves in the graph. */
export interface SpikingMlpGraph {
  /** [batch, 10]: the readout, before the softmax. */
  logits: Value;
  /** [batch, L] float32: total spikes of each LIF layer per sample. */
  spikeCounts: Value;
}

/** The LIF dynamics of one layer: decay, threshold and reset mode (numbers, scalars or per-neuron [N]). */
export interface LifLayerDynamics {
  beta: number | Tensor;
  threshold: number | Tensor;
  reset: ResetMode;
}

/** What `emitLifLayer` leaves in the graph. */
export interface LifLayerGraph {
  /** [batch, N] float32: spikes of each neuron summed over the T steps. */
  count: Value;
  /** [batch, N] float32: the spikes of every step, in time order (T values). */
  spikes: Value[];
  /** [batch, N] float32: the post-reset membrane v_T after the last step. */
  membrane: Value;
}

interface LifValues {
  /** Absent when T = 1: the leak only acts from the second step on. */
  beta: Value | null;
  threshold: Value;
  /** Only for reset to zero. */
  zero: Value | null;
}

interface LayerValues extends LifValues {
  weight: Value;
  bias: Value;
}

interface LifStepState {
  /** Post-reset membrane v_t (null before the first step: v_0 = 0). */
  v: Value | null;
  /** Spikes so far (null before the first step). */
  count: Value | null;
}

/** `t01`, `t02`, ...: zero-padded so node names sort in time order. */
export function stepLabel(t: number, steps: number): string {
  return `t${String(t).padStart(Math.max(2, String(steps).length), '0')}`;
}

function parameter(g: GraphBuilder, name: string, value: number | Tensor): Value {
  return typeof value === 'number' ? g.initializer(name, Float32Array.of(value), []) : g.initializer(name, value);
}

/** beta, threshold and (reset to zero only) the constant 0, as initializers of the current scope, in that order. */
function lifInitializers(g: GraphBuilder, layer: LifLayerDynamics, steps: number): LifValues {
  return {
    beta: steps > 1 ? parameter(g, 'beta', layer.beta) : null,
    threshold: parameter(g, 'threshold', layer.threshold),
    zero: layer.reset === 'zero' ? g.initializer('zero', Float32Array.of(0), []) : null,
  };
}

function layerInitializers(g: GraphBuilder, layer: SpikingMlpLayer, index: number, steps: number): LayerValues {
  const { weight, bias } = g.scope(`fc${index}`, () => ({ weight: g.initializer('weight', layer.weight), bias: g.initializer('bias', layer.bias) }));
  return g.scope(`lif${index}`, () => ({ weight, bias, ...lifInitializers(g, layer, steps) }));
}

/**
 * The network of `spec` after `pixels` [batch, 784], unrolled over its T steps with no Loop op, in
 * the same order of operations as `lifStep`:
 *   fc1/current                I = pixels @ W1 + b1, once (direct encoding: the same current every step)
 *   tNN/lifL/leak, membrane    u_t = beta v_{t-1} + I_t       (u_1 = I_1: v_0 = 0)
 *   tNN/lifL/fire, spikes      s_t = float(u_t > theta)
 *   tNN/lifL/reset             v_t = u_t - theta s_t | where(u_t > theta, 0, u_t) | u_t
 *   tNN/fcL/current            I_t of layer L = s_t of layer L-1 @ W + b
 * then the readout over the output layer's post-reset membranes v_t or its spikes, and the spike
 * totals per layer.
 */
export function emitSpikingMlp(g: GraphBuilder, pixels: Value, spec: SpikingMlpSpec): SpikingMlpGraph {
  checkSpikingMlpSpec(spec);
  const L = spec.layers.length;
  const layers = spec.layers.map((layer, i) => layerInitializers(g, layer, i + 1, spec.steps));
  const inputCurrent = g.scope('fc1', () => g.gemm(pixels, layers[0].weight, layers[0].bias, {}, 'current'));
  // Per layer: the post-reset membrane v_t and the spikes so far (null before the first step).
  const state: LifStepState[] = layers.map(() => ({ v: null, count: null }));
  const outputMembranes: Value[] = [];
  const readout = { membraneSum: null as Value | null };
  for (let t = 1; t <= spec.steps; t++) {
    g.scope(stepLabel(t, spec.steps), () => {
      let current = inputCurrent;
      layers.forEach((p, i) => {
        if (i > 0) current = g.scope(`fc${i + 1}`, () => g.gemm(current, p.weight, p.bias, {}, 'current'));
        current = g.scope(`lif${i + 1}`, () => emitLifStep(g, current, state[i], p, spec.layers[i].reset));
      });
      const vOut = state[L - 1].v as Value;
      outputMembranes.push(vOut);
      if (spec.readout === 'mean-membrane') {
        const sum = readout.membraneSum;
        readout.membraneSum = sum ? g.scope('readout', () => g.add(sum, vOut, 'membrane_sum')) : vOut;
      }
    });
  }
  const logits = g.scope('readout', () => {
    switch (spec.readout) {
      case 'spike-count':
        return state[L - 1].count as Value;
      case 'mean-membrane':
        return g.div(readout.membraneSum as Value, g.initializer('steps', Float32Array.of(spec.steps), []), 'mean_membrane');
      case 'max-membrane':
        return g.max(outputMembranes, 'max_membrane');
    }
  });
  const spikeCounts = g.scope('spike_counts', () => {
    const perLayer = state.map((s, i) => g.reduceSum(s.count as Value, [1], true, `lif${i + 1}`));
    return perLayer.length === 1 ? perLayer[0] : g.concat(perLayer, 1, 'concat');
  });
  return { logits, spikeCounts };
}

/**
 * One layer of LIF neurons driven by the same `current` [batch, N] at every one of `steps` steps (a
 * direct-current encoder), unrolled with no Loop op, op for op as `emitSpikingMlp` emits a layer
 * (and `lifStep`/`lifScan` compute it), all under `scope`:
 *   scope/beta, scope/threshold (scope/zero)   initializers (no beta when T = 1)
 *   scope/tNN/leak, membrane                   u_t = beta v_{t-1} + I      (u_1 = I: v_0 = 0)
 *   scope/tNN/fire, spikes                     s_t = float(u_t > theta)
 *   scope/tNN/(reset_amount,) reset            v_t = u_t - theta s_t | where(u_t > theta, 0, u_t) | u_t
 *   scope/tNN/count                            running sum of s_t (from t = 2)
 * Returns the per-neuron spike count over the T steps, each step's spikes and the final membrane.
 */
export function emitLifLayer(g: GraphBuilder, current: Value, layer: LifLayerDynamics, steps: number, scope: string): LifLayerGraph {
  checkLifLayer(current, layer, steps, scope);
  return g.scope(scope, () => {
    const p = lifInitializers(g, layer, steps);
    const state: LifStepState = { v: null, count: null };
    const spikes: Value[] = [];
    for (let t = 1; t <= steps; t++) spikes.push(g.scope(stepLabel(t, steps), () => emitLifStep(g, current, state, p, layer.reset)));
    return { count: state.count as Value, spikes, membrane: state.v as Value };
  });
}

function checkLifLayer(current: Value, layer: LifLayerDynamics, steps: number, scope: string): void {
  const where = `emitLifLayer '${scope}'`;
  if (current.shape.length !== 2 || current.dtype !== 'float32') {
    throw new Error(`${where}: the current must be float32 [batch, neurons] (the same current at every step), got ${current.dtype} [${current.shape.join(', ')}].`);
  }
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${where}: steps must be an integer >= 1, got ${steps}.`);
  if (!['subtract', 'zero', 'none'].includes(layer.reset)) throw new Error(`${where}: reset must be "subtract", "zero" or "none", got "${String(layer.reset)}".`);
  const neurons = current.shape[1];
  const check = (name: string, value: number | Tensor, valid: (v: number) => boolean, range: string) => {
    if (typeof value === 'number') {
      if (!valid(value)) throw new Error(`${where}: ${name} must be ${range}, got ${value}.`);
    } else if (!(value.rank === 0 || (value.rank === 1 && (typeof neurons !== 'number' || value.shape[0] === neurons)))) {
      throw new Error(`${where}: ${name} must be a number, a scalar or one value per neuron [${neurons}], got a tensor of shape [${value.shape.join(', ')}].`);
    }
  };
  check('beta', layer.beta, (v) => v > 0 && v <= 1, 'in (0, 1]');
  check('threshold', layer.threshold, (v) => v > 0, 'positive');
}

/** One LIF step of one layer (inside its `tNN/lifL` or `scope/tNN` scope): updates `state`, returns the spikes. */
function emitLifStep(g: GraphBuilder, current: Value, state: LifStepState, p: LifValues, reset: ResetMode): Value {
  const u = state.v ? g.add(g.mul(p.beta as Value, state.v, 'leak'), current, 'membrane') : current;
  const fired = g.greater(u, p.threshold, 'fire');
  const spikes = g.cast(fired, 'float32', 'spikes');
  switch (reset) {
    case 'subtract':
      state.v = g.sub(u, g.mul(p.threshold, spikes, 'reset_amount'), 'reset');
      break;
    case 'zero':
      // u (1 - s) of lifStep, bit for bit: u > theta > 0 where it spikes, so u * 0 is +0
      state.v = g.where(fired, p.zero as Value, u, 'reset');
      break;
    case 'none':
      state.v = u;
      break;
  }
  state.count = state.count ? g.add(state.count, spikes, 'count') : spikes;
  return spikes;
}
