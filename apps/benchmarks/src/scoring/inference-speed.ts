import type { OnnxClassifier } from '@cristal/onnx';
import type { InferenceSpeed } from '../leaderboard/leaderboard-types';

export interface SpeedOptions {
  /** Timed batch-1 calls (after `warmup` untimed ones). */
  latencyRuns?: number;
  /** Batch size of the throughput measurement. */
  throughputBatch?: number;
  /** Timed throughput calls. */
  throughputRuns?: number;
  warmup?: number;
}

/** The middle value (the mean of the two middle ones for an even count): robust to a noisy machine's outliers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * onnxruntime-node latency (batch 1) and throughput (a larger batch) of one loaded classifier on
 * real images, timed until the probabilities are in a Float32Array. Medians, because these machines
 * are shared and noisy; the leaderboard states the thread settings and the machine beside them.
 */
export async function inferenceSpeed(classifier: OnnxClassifier, pixels: Float32Array, options: SpeedOptions = {}): Promise<InferenceSpeed> {
  const { latencyRuns = 200, throughputBatch = 256, throughputRuns = 10, warmup = 10 } = options;
  const available = pixels.length / 784;
  if (!Number.isInteger(available) || available < throughputBatch) throw new Error(`inferenceSpeed: need at least ${throughputBatch} images of 784 pixels, got ${pixels.length / 784}.`);
  const batch = pixels.subarray(0, throughputBatch * 784);
  for (let i = 0; i < warmup; i++) await classifier.predict(pixels.subarray(i * 784, (i + 1) * 784), 1);
  const latencies: number[] = [];
  for (let i = 0; i < latencyRuns; i++) {
    const row = i % available;
    const start = process.hrtime.bigint();
    await classifier.predict(pixels.subarray(row * 784, (row + 1) * 784), 1);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  await classifier.predict(batch, throughputBatch);
  const rates: number[] = [];
  for (let i = 0; i < throughputRuns; i++) {
    const start = process.hrtime.bigint();
    await classifier.predict(batch, throughputBatch);
    rates.push(throughputBatch / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return { latencyMs: median(latencies), throughputPerSecond: median(rates), throughputBatch };
}
