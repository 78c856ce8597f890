/**
 * How a spiking model's ONNX file says what one inference costs, for scorers that only see the file
 * (the cross-project leaderboard). Counting MACs on a spiking graph is wrong: the exporters unroll
 * the T time steps, so every per-step product (the current one layer's spikes drive into the next,
 * `s_t @ W`) appears T times as a dense MatMul, while on event-driven hardware it is one
 * accumulate per spike per synapse. So a spiking exporter writes two `metadata_props` entries and
 * the scorer measures the spikes through the `spike_counts` output:
 *
 * - `macs_per_sample`: the dense multiply-accumulates per sample that do not depend on spikes, as a
 *   plain decimal (`String(n)`): the input current computed once from the analogue pixels (784 x H1
 *   for direct encoding) plus any dense stage run once. 0 when there is none.
 * - `spike_fanout`: one non-negative integer per column of `spike_counts`, comma separated without
 *   spaces (e.g. '1000,10,0'): the synapses one spike of that column's neurons drives, i.e. the
 *   accumulates it triggers; 0 for neurons nothing reads spike by spike.
 *
 * Then SOPs per sample = mean over samples of sum_c spike_counts[b, c] x spike_fanout[c].
 */

/** Metadata key: dense MACs per sample that do not depend on spikes (a decimal number). */
export const MACS_PER_SAMPLE_KEY = 'macs_per_sample';
/** Metadata key: synapses driven per spike, one integer per `spike_counts` column, comma separated. */
export const SPIKE_FANOUT_KEY = 'spike_fanout';

/** What a spiking exporter knows about its model's cost, before any input is seen. */
export interface SpikeCostMetadata {
  macsPerSample: number;
  /** One entry per `spike_counts` column, in column order. */
  spikeFanout: readonly number[];
}

/** The two `metadata_props` entries of `meta`, in the exact formats scorers read. */
export function spikeCostMetadataProps(meta: SpikeCostMetadata): Record<string, string> {
  if (!Number.isFinite(meta.macsPerSample) || meta.macsPerSample < 0) throw new Error(`spikeCostMetadataProps: macsPerSample must be a finite number >= 0, got ${meta.macsPerSample}.`);
  if (meta.spikeFanout.length === 0) throw new Error('spikeCostMetadataProps: spikeFanout needs one entry per spike_counts column, got none.');
  const bad = meta.spikeFanout.findIndex((f) => !Number.isSafeInteger(f) || f < 0);
  if (bad >= 0) throw new Error(`spikeCostMetadataProps: fan-out ${meta.spikeFanout[bad]} at column ${bad} is not a non-negative integer; write the synapses each spike of that column drives.`);
  return { [MACS_PER_SAMPLE_KEY]: String(meta.macsPerSample), [SPIKE_FANOUT_KEY]: meta.spikeFanout.join(',') };
}
