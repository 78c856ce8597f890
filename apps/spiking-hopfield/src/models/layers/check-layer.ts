/** Throws unless `value` is a positive integer layer size. */
export function assertSize(value: number, name: string, layer: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${value}.`);
}
