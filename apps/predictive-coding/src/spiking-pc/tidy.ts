import { tf, type TensorContainer } from '@cristal/tensor';

/**
 * tf.tidy for structured results (state objects with readonly arrays, nulls, numbers): TF.js keeps
 * every tensor it finds in the returned value, but its TensorContainer type admits none of these.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => TensorContainer) as unknown as T;
}
