import { tf } from '../backend/backend';

export interface LeakCheckOptions {
  /** Measured runs after the warm-up (default 5). */
  iterations?: number;
  /** Runs before measuring, so that lazily created, long-lived tensors do not count (default 1). */
  warmup?: number;
  /** Names the checked code in the error message. */
  label?: string;
}

/** Tensors alive now (all backends). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `fn` repeatedly and throws if the number of live tensors grows: the check every package's
 * tests use for "long runs keep numTensors flat". Returns the count measured before and after.
 */
export function assertNoTensorLeak(fn: (iteration: number) => void, options: LeakCheckOptions = {}): { before: number; after: number } {
  const { iterations = 5, warmup = 1, label = 'the checked code' } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterations must be a positive integer, got ${iterations}.`);
  for (let i = 0; i < warmup; i++) fn(i);
  const before = liveTensors();
  for (let i = 0; i < iterations; i++) fn(warmup + i);
  const after = liveTensors();
  if (after > before) {
    throw new Error(
      `Tensor leak in ${label}: ${after - before} tensors left alive over ${iterations} iterations ` +
        `(${before} -> ${after}, about ${((after - before) / iterations).toFixed(1)} per iteration). ` +
        'Wrap the work in tf.tidy or dispose what it creates.',
    );
  }
  return { before, after };
}
