import { MACS_PER_SAMPLE_KEY, SPIKE_COUNTS, SPIKE_FANOUT_KEY } from '@cristal/spiking';

// The convention (what `macs_per_sample`, `spike_fanout` and `spike_counts` mean, and the writer
// `spikeCostMetadataProps`) belongs to the spiking model family that writes it: see
// packages/spiking/src/onnx/spike-cost-metadata.ts. This module reads it:
//   SOPs per sample = mean over samples of sum_c spike_counts[b, c] x spike_fanout[c].
export { MACS_PER_SAMPLE_KEY, SPIKE_FANOUT_KEY, spikeCostMetadataProps, type SpikeCostMetadata } from '@cristal/spiking';

/** The extra output of spiking models. */
export const SPIKE_COUNTS_OUTPUT = SPIKE_COUNTS;

const DECIMAL = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;
const COUNT = /^\d+$/;

function checkFanout(fanout: readonly number[], where: string): void {
  const bad = fanout.findIndex((f) => !Number.isSafeInteger(f) || f < 0);
  if (bad >= 0) throw new Error(`${where}: fan-out ${fanout[bad]} at column ${bad} is not a non-negative integer; write the synapses each spike of that column drives.`);
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
