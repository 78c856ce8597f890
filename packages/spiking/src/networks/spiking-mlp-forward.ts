import { tf, type Tensor } from '@cristal/tensor';
import { maxMembrane } from '../decoders/max-membrane';
import { spikeCount } from '../decoders/spike-count';
import { lifInitialState, lifParameters, lifStep, type LifParameters } from '../neurons/lif';
import { checkSpikingMlpSpec, type SpikingMlpSpec } from './spiking-mlp-spec';

export interface SpikingMlpOutputs {
  /** [B, 10]: the readout (spike counts, mean or max post-reset membrane of the output layer). */
  logits: Tensor;
  /** [B, 10]: softmax(logits). */
  probabilities: Tensor;
  /** [B, L]: total spikes of each LIF layer over all its neurons and steps, per sample. */
  spikeCounts: Tensor;
  /**
   * [B]: min over layers, neurons and steps of |u_t - theta| (u_t the membrane compared with the
   * threshold). Another implementation that sums in another order can flip a spike only where this
   * is within its rounding error, so parity tests keep samples whose margin is comfortably larger.
   */
  thresholdMargin: Tensor;
}

interface Carry {
  v: Tensor[];
  totals: Tensor[];
  margin: Tensor;
}

/**
 * The network of `spec` in TF.js, step by step with the package's `lifStep` (the reference the ONNX
 * exporter is held to). The layer-1 current pixels @ W1 + b1 is computed once and applied at every
 * step; every state starts at v_0 = 0. pixels: float32 [B, 784].
 */
export function spikingMlpForward(spec: SpikingMlpSpec, pixels: Tensor): SpikingMlpOutputs {
  checkSpikingMlpSpec(spec);
  if (pixels.rank !== 2 || pixels.shape[1] !== spec.layers[0].weight.shape[0]) {
    throw new Error(`pixels must be [batch, ${spec.layers[0].weight.shape[0]}], got [${pixels.shape.join(', ')}].`);
  }
  const params: LifParameters[] = spec.layers.map((l) => lifParameters({ beta: l.beta, threshold: l.threshold, reset: l.reset }));
  const batch = pixels.shape[0];
  return tf.tidy(() => {
    const inputCurrent = tf.add(tf.matMul(pixels, spec.layers[0].weight), spec.layers[0].bias);
    let carry: Carry = {
      v: spec.layers.map((l) => lifInitialState(batch, l.weight.shape[1] as number).v),
      totals: spec.layers.map(() => tf.zeros([batch])),
      margin: tf.fill([batch], Infinity),
    };
    const outputSpikes: Tensor[] = [];
    const outputMembranes: Tensor[] = [];
    for (let t = 0; t < spec.steps; t++) {
      // One tidy per step keeps memory at one step's worth of hidden activity.
      const next = tf.tidy(() => {
        let current = inputCurrent;
        const v: Tensor[] = [];
        const spikes: Tensor[] = [];
        const totals: Tensor[] = [];
        let margin = carry.margin;
        params.forEach((p, l) => {
          const step = lifStep(current, { v: carry.v[l] }, p);
          v.push(step.state.v);
          totals.push(tf.add(carry.totals[l], tf.sum(step.spikes, 1)));
          margin = tf.minimum(margin, tf.min(tf.abs(tf.sub(step.u, p.threshold)), 1));
          spikes.push(step.spikes);
          const downstream = spec.layers[l + 1];
          if (downstream) current = tf.add(tf.matMul(step.spikes, downstream.weight), downstream.bias);
        });
        return { carry: { v, totals, margin }, spikes: spikes[spikes.length - 1], membrane: tf.clone(v[v.length - 1]) };
      });
      tf.dispose([...carry.v, ...carry.totals, carry.margin]);
      carry = next.carry;
      outputSpikes.push(next.spikes);
      outputMembranes.push(next.membrane);
    }
    const logits =
      spec.readout === 'spike-count'
        ? spikeCount(tf.stack(outputSpikes))
        : spec.readout === 'mean-membrane'
          ? tf.mean(tf.stack(outputMembranes), 0)
          : maxMembrane(tf.stack(outputMembranes));
    return { logits, probabilities: tf.softmax(logits), spikeCounts: tf.stack(carry.totals, 1), thresholdMargin: carry.margin };
  });
}
