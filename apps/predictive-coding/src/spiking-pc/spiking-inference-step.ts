import { tf, type RandomStream, type Tensor2D } from '@cristal/tensor';
import { contextErrors, presynapticActivity, valueNodeStep, weightLayerCount, type PcArchitecture } from '../pc';
import { accumulateEligibility } from './local-learning';
import { transmitErrors } from './spike-channel';
import type { SpikingPcContext, SpikingPcState } from './spiking-pc-state';
import { traceStep } from './synaptic-trace';
import { tidy } from './tidy';

/**
 * One time step of spiking predictive coding, pure (state in, state out; randomness passed in as
 * the step's uniform draws, one per error unit, or null for the expected channel):
 *   e_l   = pi_l (x_l - mu_l),  mu_l = f(x_{l-1}) W_{l-1} + b_{l-1}     errors at the current nodes
 *   c_l   = r_max (s+ - s-),   s+- ~ Bernoulli(min(1, max(+-e_l, 0) / r_max))   spike-carried errors
 *   s_l  <- (1 - a) s_l + a c_l,   a = dt / tau_s                               synaptic traces
 *   x_l  <- x_l + eta (-s_l + f'(x_l) * (s_{l+1} W_l^T))                        free nodes 1 <= l < L
 *   E_l  += f(x_l)^T s_{l+1}  (presynaptic activity before the move, trace after this step's spikes;
 *                              see local-learning.ts for what is actually carried)
 * plus the spike and saturation counters. The input x_0 and the target x_L stay clamped.
 * The tensors of `state` are not disposed (the caller frees what the new state replaced).
 */
export function spikingInferenceStep(context: SpikingPcContext, state: SpikingPcState, uniforms: readonly Tensor2D[] | null): SpikingPcState {
  const L = weightLayerCount(context.architecture);
  if (uniforms && uniforms.length !== L) throw new Error(`spikingInferenceStep needs one uniform tensor per predicted layer (${L}), got ${uniforms.length}: use drawChannelUniforms.`);
  if (!uniforms && context.options.channel === 'stochastic') throw new Error("The stochastic channel needs the step's uniform draws: pass drawChannelUniforms(stream, ...), or use channel: 'expected'.");
  return tidy(() => {
    const { precisions, rMax } = context.options;
    const presynaptic = presynapticActivity(context.core, state.nodes);
    const deviations = contextErrors(context.core, state.nodes, presynaptic);
    // pi = 1 skips the product so that the noise-free limit is bit-identical to the core's relax
    const errors = deviations.map((d, l) => (precisions[l] === 1 ? d : (tf.mul(d, precisions[l]) as Tensor2D)));
    const channel = errors.map((e, l) => transmitErrors(e, rMax[l], context.options.channel === 'expected' ? null : (uniforms as readonly Tensor2D[])[l]));
    const traces = channel.map((c, l) => traceStep(state.traces[l], c.carried, context.traceGain));
    const velocities = state.nodes.map(() => null);
    const { nodes } = valueNodeStep(context.core, state.nodes, velocities, presynaptic, traces);
    return {
      nodes,
      traces,
      eligibility: state.eligibility ? accumulateEligibility(state.eligibility, presynaptic, traces) : null,
      spikeCounts: channel.map((c, l) => (c.spikes ? (tf.add(state.spikeCounts[l], c.spikes) as Tensor2D) : state.spikeCounts[l])),
      clipCounts: channel.map((c, l) => tf.add(state.clipCounts[l], c.clipped) as Tensor2D),
      step: state.step + 1,
    };
  });
}

/** The uniforms of one time step: a [batch, n_l] tensor per predicted layer, drawn in layer order from `stream`. */
export function drawChannelUniforms(stream: RandomStream, batch: number, architecture: PcArchitecture): Tensor2D[] {
  return architecture.sizes.slice(1).map((n) => stream.uniformTensor([batch, n]) as Tensor2D);
}
