import { assertBeta, assertSteps } from '../modern/check-settings';

/** The two numbers every Hopfield layer is run with. */
export interface AssociationSettings {
  /** Inverse temperature of softmax(beta q K^T). */
  readonly beta: number;
  /** Query updates q <- softmax(beta q K^T) K before the read-out; 0 = one attention step. */
  readonly updateSteps: number;
}

/** beta defaults to 1/sqrt(keySize), the scaling hopfield-layers (and attention) use; updateSteps to 0. */
export function resolveSettings(options: { beta?: number; updateSteps?: number }, keySize: number, layer: string): AssociationSettings {
  const beta = options.beta ?? 1 / Math.sqrt(keySize);
  const updateSteps = options.updateSteps ?? 0;
  assertBeta(beta, layer);
  assertSteps(updateSteps, layer, 'updateSteps');
  return { beta, updateSteps };
}
