/**
 * An integer that may scale with the batch size B: `factor` x B^`power`. Every dimension the static
 * shape pass meets is one of these: 784 is {784, 0}, the batch is {1, 1}, a reshape that folds the
 * batch into the features gives {784, 1}. Keeping the batch a symbol (instead of running the pass at
 * some concrete batch) is what makes "MACs per sample" exact: a node's count is factor x B, and
 * anything else (B^0, B^2) is a node that does not cost a fixed amount per sample, which the
 * counter refuses instead of guessing.
 */
export interface SymInt {
  readonly factor: number;
  readonly power: number;
}

export function fixed(n: number): SymInt {
  return { factor: n, power: 0 };
}

export const BATCH: SymInt = { factor: 1, power: 1 };

/** Zero times anything is the plain 0, so 0 x B and 0 compare equal. */
function canonical(factor: number, power: number): SymInt {
  return factor === 0 ? fixed(0) : { factor, power };
}

export function isFixed(a: SymInt): boolean {
  return a.power === 0;
}

export function symEquals(a: SymInt, b: SymInt): boolean {
  return a.factor === b.factor && (a.power === b.power || a.factor === 0);
}

export function symMul(a: SymInt, b: SymInt): SymInt {
  return canonical(a.factor * b.factor, a.power + b.power);
}

export function symProduct(values: readonly SymInt[]): SymInt {
  return values.reduce(symMul, fixed(1));
}

/** a / b when it is again a monomial with an integer factor (exact division); undefined otherwise. */
export function symDivide(a: SymInt, b: SymInt): SymInt | undefined {
  if (b.factor === 0) return undefined;
  if (a.factor === 0) return fixed(0);
  if (a.power < b.power || a.factor % b.factor !== 0) return undefined;
  return canonical(a.factor / b.factor, a.power - b.power);
}

/** a + b when both have the same power of B (or one is 0); undefined when the sum is no monomial. */
export function symAdd(a: SymInt, b: SymInt): SymInt | undefined {
  if (a.factor === 0) return b;
  if (b.factor === 0) return a;
  return a.power === b.power ? canonical(a.factor + b.factor, a.power) : undefined;
}

export function symNegate(a: SymInt): SymInt {
  return canonical(-a.factor, a.power);
}

/** '784', 'B', '400·B', 'B^2'. */
export function formatSym(a: SymInt): string {
  if (a.power === 0) return String(a.factor);
  const batch = a.power === 1 ? 'B' : `B^${a.power}`;
  return a.factor === 1 ? batch : `${a.factor}·${batch}`;
}

export function formatSymShape(shape: readonly SymInt[]): string {
  return `[${shape.map(formatSym).join(', ')}]`;
}
