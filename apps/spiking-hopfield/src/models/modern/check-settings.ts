/** Throws unless beta is a finite positive number (an inverse temperature). */
export function assertBeta(beta: number, fn: string): void {
  if (!(typeof beta === 'number' && Number.isFinite(beta) && beta > 0)) {
    throw new Error(`${fn}: beta (inverse temperature) must be a finite positive number, got ${beta}. Large beta retrieves single patterns, small beta averages them.`);
  }
}

/** Throws unless `steps` is a non-negative integer (a count of update steps). */
export function assertSteps(steps: number, fn: string, name = 'steps', min = 0): void {
  if (!Number.isInteger(steps) || steps < min) throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${steps}.`);
}
