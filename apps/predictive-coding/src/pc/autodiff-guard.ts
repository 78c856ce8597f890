import { tf } from '@cristal/tensor';

/**
 * Structural check that code does not use automatic differentiation. Every TF.js gradient entry
 * point goes through the engine: tf.grad, tf.grads, tf.valueAndGrad(s), tf.variableGrads and
 * optimizer.minimize all open a tape with ENGINE.startTape (in ENGINE.gradients); every op that runs
 * while a tape is open (also inside a caller's tf.grads) is recorded with ENGINE.addTapeNode; and
 * tf.customGrad goes through ENGINE.customGrad. The guard counts calls to those three methods while
 * `fn` runs (it wraps them on the engine instance and restores them afterwards).
 */
export interface AutodiffUse {
  /** Tapes opened (one per tf.grad/grads/valueAndGrads/variableGrads/minimize call). */
  readonly tapesStarted: number;
  /** Ops recorded on a tape. */
  readonly tapeNodes: number;
  /** tf.customGrad functions created. */
  readonly customGradients: number;
}

interface EngineHooks {
  startTape(...args: unknown[]): unknown;
  addTapeNode(...args: unknown[]): unknown;
  customGrad(...args: unknown[]): unknown;
}

const HOOKED = ['startTape', 'addTapeNode', 'customGrad'] as const;

/** Runs `fn` and reports how often it touched TF.js's autodiff machinery. */
export function detectAutodiff<T>(fn: () => T): { result: T; use: AutodiffUse } {
  const engine = tf.engine() as unknown as EngineHooks & Record<string, unknown>;
  for (const name of HOOKED) {
    if (typeof engine[name] !== 'function') throw new Error(`detectAutodiff: this TF.js engine has no ${name}(); the guard must be updated for this TF.js version.`);
  }
  const counts = { startTape: 0, addTapeNode: 0, customGrad: 0 };
  const own = HOOKED.map((name) => [name, Object.prototype.hasOwnProperty.call(engine, name), engine[name]] as const);
  for (const [name, , original] of own) {
    engine[name] = function (this: unknown, ...args: unknown[]) {
      counts[name] += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    const result = fn();
    return { result, use: { tapesStarted: counts.startTape, tapeNodes: counts.addTapeNode, customGradients: counts.customGrad } };
  } finally {
    for (const [name, wasOwn, original] of own) {
      if (wasOwn) engine[name] = original;
      else delete engine[name];
    }
  }
}

/** Runs `fn`; throws if it used automatic differentiation in any way detectAutodiff sees. */
export function assertNoAutodiff<T>(fn: () => T, label = 'the checked code'): T {
  const { result, use } = detectAutodiff(fn);
  if (use.tapesStarted > 0 || use.tapeNodes > 0 || use.customGradients > 0) {
    throw new Error(
      `${label} used automatic differentiation (${use.tapesStarted} gradient tapes, ${use.tapeNodes} taped ops, ${use.customGradients} customGrad calls): ` +
        'predictive coding must compute its updates with the explicit local rules, never tf.grad/grads/variableGrads/customGrad or optimizer.minimize.',
    );
  }
  return result;
}
