import { weightLayerCount, type PcArchitecture } from '../pc';

/**
 * Operation counts of the spiking PC network (clamped input and output, hidden layers free).
 *
 * Synaptic operations (SOPs): a spike is delivered to every synapse it reaches, so
 *   SOPs = sum over emitted spikes of the fan-out of the error unit that emitted it.
 * An error unit of layer l (1 <= l <= L) reaches
 *   - its own value unit x_l (the -s_l term), when x_l is free (l < L): 1 synapse;
 *   - the value units of layer l-1 through W_{l-1}^T (the f'(x_{l-1}) (s_l W_{l-1}^T) term), when
 *     layer l-1 is free (l >= 2): n_{l-1} synapses.
 * The clamped input and output have no dynamics, so nothing is delivered to them. The weight rule
 * reads the trace at the error unit's own synapses (presynaptic x postsynaptic trace), a local
 * read, not a delivery: it adds no SOPs.
 *
 * Dense multiply-accumulates, counted separately: the feedforward sweep that initialises the value
 * nodes (sum_l n_l n_{l+1} per sample: also the test-time readout), and the analogue predictions
 * mu_{l+1} = f(x_l) W_l + b_l recomputed every time step for the moving hidden layers l >= 1
 * (mu_1 = x_0 W_0 + b_0 is fixed by the clamped input and comes from the sweep).
 */

/** Fan-out per predicted layer (index l - 1 for layer l). */
export function errorUnitFanOut(architecture: PcArchitecture): number[] {
  const L = weightLayerCount(architecture);
  const { sizes } = architecture;
  return Array.from({ length: L }, (_, i) => {
    const l = i + 1;
    return (l < L ? 1 : 0) + (l >= 2 ? sizes[l - 1] : 0);
  });
}

/** SOPs = sum_l spikes_l x fanOut_l. */
export function synapticOperations(spikesPerLayer: readonly number[], fanOut: readonly number[]): number {
  if (spikesPerLayer.length !== fanOut.length) {
    throw new Error(`synapticOperations: ${spikesPerLayer.length} spike counts for ${fanOut.length} layers; pass one count per predicted layer.`);
  }
  return spikesPerLayer.reduce((sum, spikes, l) => sum + spikes * fanOut[l], 0);
}

/** MACs of one feedforward sweep of one sample: sum_l n_l n_{l+1}. */
export function feedforwardMacs(architecture: PcArchitecture): number {
  const { sizes } = architecture;
  let macs = 0;
  for (let l = 0; l + 1 < sizes.length; l++) macs += sizes[l] * sizes[l + 1];
  return macs;
}

/** MACs of the recomputed predictions per sample and time step: sum_{l=1}^{L-1} n_l n_{l+1}. */
export function predictionMacsPerStep(architecture: PcArchitecture): number {
  const { sizes } = architecture;
  let macs = 0;
  for (let l = 1; l + 1 < sizes.length; l++) macs += sizes[l] * sizes[l + 1];
  return macs;
}
