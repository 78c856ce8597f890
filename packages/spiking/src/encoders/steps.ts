import type { Tensor } from '@cristal/tensor';

/** Shared argument checks of the encoders. */
export function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}.`);
}

/** Throws unless every value is in [low, high] (one read back from the backend). */
export function checkRange(x: Tensor, low: number, high: number, what: string): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= low && v <= high)) throw new Error(`${what} must be in [${low}, ${high === Infinity ? 'Infinity)' : `${high}]`}, got ${v} at index ${i}.`);
  }
}
