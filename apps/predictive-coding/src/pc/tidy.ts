import { tf, type TensorContainer } from '@cristal/tensor';

/**
 * tf.tidy for structured results (interfaces with readonly arrays, nulls in arrays): TF.js keeps
 * every tensor it finds in the returned value, but its TensorContainer type admits neither.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => TensorContainer) as unknown as T;
}
