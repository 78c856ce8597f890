/**
 * How a spiking model's file tells the leaderboard what it costs. Counting MACs on a spiking graph
 * is wrong: the exporters unroll the T time steps, so every per-step product (the current a hidden
 * layer's spikes drive into the next layer, `s_t @ W`) appears T times as a dense MatMul, while on
 * event-driven hardware it is one accumulate per spike per synapse. So a spiking exporter writes
 * two `metadata_props` entries and the scorer measures the spikes:
 *
 * - `macs_per_sample` (MACS_PER_SAMPLE_KEY): the dense multiply-accumulates per sample that do not
 *   depend on spikes, written as a plain decimal number (`String(n)`, e.g. '313600'): the input
 *   current computed once from the analogue pixels (784 x H1 for direct encoding) plus any dense
 *   read-out or dense stage run once (e.g. a Hopfield lookup on spike rates). 0 when there is none.
 * - `spike_fanout` (SPIKE_FANOUT_KEY): one non-negative integer per column of the `spike_counts`
 *   output, comma separated without spaces (e.g. '400,10,0'): the synapses each spike of that
 *   column's neurons drives, i.e. the accumulates one spike triggers. For a fully connected next
 *   layer it is that layer's width; for neurons nothing reads spike by spike (an output layer read
 *   by its count, an encoder whose rate feeds a dense stage already in `macs_per_sample`) it is 0.
 *
 * `spike_counts` is float32 [batch, columns]: column c holds the spikes of one group of neurons
 * (a layer, for the spiking MLP) summed over its neurons and all T steps, for that sample. Then
 *   SOPs per sample = mean over samples of sum_c spike_counts[b, c] x spike_fanout[c].
 */

/** The extra output of spiking models (the same name as @cristal/spiking's `SPIKE_COUNTS`). */
export const SPIKE_COUNTS_OUTPUT = 'spike_counts';
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

const DECIMAL = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;
const COUNT = /^\d+$/;

function checkFanout(fanout: readonly number[], where: string): void {
  const bad = fanout.findIndex((f) => !Number.isSafeInteger(f) || f < 0);
  if (bad >= 0) throw new Error(`${where}: fan-out ${fanout[bad]} at column ${bad} is not a non-negative integer; write the synapses each spike of that column drives.`);
}

/**
 * The two `metadata_props` entries a spiking exporter writes (pass them as extra metadata), in the
 * exact formats `parseMacsPerSample` and `parseSpikeFanout` read.
 */
export function spikeCostMetadataProps(meta: SpikeCostMetadata): Record<string, string> {
  if (!Number.isFinite(meta.macsPerSample) || meta.macsPerSample < 0) throw new Error(`spikeCostMetadataProps: macsPerSample must be a finite number >= 0, got ${meta.macsPerSample}.`);
  if (meta.spikeFanout.length === 0) throw new Error('spikeCostMetadataProps: spikeFanout needs one entry per spike_counts column, got none.');
  checkFanout(meta.spikeFanout, 'spikeCostMetadataProps');
  return { [MACS_PER_SAMPLE_KEY]: String(meta.macsPerSample), [SPIKE_FANOUT_KEY]: meta.spikeFanout.join(',') };
}

/** Reads the `macs_per_sample` metadata value; throws unless it is a plain non-negative decimal number. */
export function parseMacsPerSample(text: string): number {
  const value = Number(text.trim());
  if (!DECIMAL.test(text.trim()) || !Number.isFinite(value)) {
    throw new Error(`metadata '${MACS_PER_SAMPLE_KEY}' is '${text}', expected a non-negative decimal number such as '313600' (the exporter writes String(macs)).`);
  }
  return value;
}

/** Reads the `spike_fanout` metadata value ('400,10,0'); throws unless it is a list of non-negative integers. */
export function parseSpikeFanout(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const bad = parts.findIndex((p) => !COUNT.test(p));
  if (bad >= 0) {
    throw new Error(`metadata '${SPIKE_FANOUT_KEY}' is '${text}': entry ${bad} ('${parts[bad]}') is not a non-negative integer; write one synapse count per spike_counts column, comma separated, e.g. '400,10,0'.`);
  }
  const fanout = parts.map(Number);
  checkFanout(fanout, `metadata '${SPIKE_FANOUT_KEY}'`);
  return fanout;
}

/**
 * Synaptic operations per sample: the mean over the `batch` rows of sum_c counts[b, c] x fanout[c],
 * where `spikeCounts` is the `spike_counts` output laid out row-major [batch, columns] (onnxruntime's
 * layout; rows of several runs may be concatenated, with `batch` their total). Throws when the
 * column count differs from the fan-out's length, or a count is negative, NaN or infinite.
 */
export function sopsPerSample(spikeCounts: Float32Array, batch: number, fanout: readonly number[]): number {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`sopsPerSample: batch must be a positive integer (the rows of spike_counts), got ${batch}.`);
  if (spikeCounts.length % batch !== 0) {
    throw new Error(`sopsPerSample: spike_counts has ${spikeCounts.length} values, not a whole number of columns for ${batch} samples; pass the whole [batch, columns] output and its row count.`);
  }
  const columns = spikeCounts.length / batch;
  if (columns !== fanout.length) {
    throw new Error(
      `sopsPerSample: spike_counts has ${columns} column(s) per sample (${spikeCounts.length} values for ${batch} samples) but '${SPIKE_FANOUT_KEY}' lists ${fanout.length} fan-out(s) [${fanout.join(', ')}]; the exporter must write one fan-out per spike_counts column.`,
    );
  }
  checkFanout(fanout, 'sopsPerSample');
  let total = 0;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < columns; c++) {
      const count = spikeCounts[b * columns + c];
      if (!Number.isFinite(count) || count < 0) {
        throw new Error(`sopsPerSample: spike_counts[${b}, ${c}] is ${count}; spike counts must be finite and >= 0 (a NaN here means the model's output is broken).`);
      }
      total += count * fanout[c];
    }
  }
  return total / batch;
}
