import type { Tensor, DataType } from '@tensorflow/tfjs-node';

/** One expected dimension: a size, or null for "any" (e.g. the batch). */
export type DimSpec = number | null;

const fmt = (dims: readonly DimSpec[]): string => `[${dims.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;

/** Throws, naming the tensor, unless `t` has exactly this rank and these sizes. */
export function assertShape(t: Tensor, expected: readonly DimSpec[], name: string): void {
  const ok = t.shape.length === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) throw new Error(`${name}: expected shape ${fmt(expected)}, got ${fmt(t.shape)}.`);
}

export function assertDtype(t: Tensor, dtype: DataType, name: string): void {
  if (t.dtype !== dtype) throw new Error(`${name}: expected dtype ${dtype}, got ${t.dtype}.`);
}

export function assertSameShape(a: Tensor, b: Tensor, nameA: string, nameB: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${nameA} has shape ${fmt(a.shape)} but ${nameB} has shape ${fmt(b.shape)}; they must match.`);
  }
}

/**
 * Throws if `t` holds NaN or ±Infinity, saying how many and where the first one is. Reads the data
 * back to the CPU (a sync point): use it at checkpoints and in tests, not inside hot loops.
 */
export function assertFinite(t: Tensor, name: string): void {
  const values = t.dataSync();
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new Error(`${name}: ${bad} of ${values.length} values are not finite (first at flat index ${first}: ${values[first]}).`);
  }
}

/** Same check for plain arrays. */
export function assertFiniteArray(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name}: value at index ${i} is ${values[i]}, not finite.`);
  }
}
