import type { Tensor, TensorContainer } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';

function tensorsIn(value: TensorContainer, out: Tensor[] = []): Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => tensorsIn(v as TensorContainer, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => tensorsIn(v as TensorContainer, out));
  return out;
}

/**
 * The disposable-scope pattern for long loops: state tensors carried from one iteration to the next.
 * Each `step` runs inside tf.tidy, keeps what the step returns, and disposes the previous state's
 * tensors that the new state no longer holds. Everything else a step creates is freed by the tidy.
 *
 *   const carry = new Carry({ v: tf.zeros([b, n]) });
 *   for (let t = 0; t < T; t++) carry.step(({ v }) => ({ v: tf.add(tf.mul(v, beta), input) }));
 *   const { v } = carry.take(); // ownership passes to the caller
 */
export class Carry<T extends TensorContainer> {
  private state: T | null;

  constructor(initial: T) {
    this.state = initial;
  }

  get value(): T {
    if (this.state === null) throw new Error('Carry was taken or disposed; it holds no state.');
    return this.state;
  }

  step(fn: (state: T) => T): T {
    const previous = this.value;
    const next = tf.tidy(() => fn(previous));
    const kept = new Set(tensorsIn(next).map((t) => t.id));
    for (const t of tensorsIn(previous)) if (!kept.has(t.id) && !t.isDisposed) t.dispose();
    this.state = next;
    return next;
  }

  /** Hands the state to the caller, who then owns (and disposes) it. */
  take(): T {
    const value = this.value;
    this.state = null;
    return value;
  }

  dispose(): void {
    if (this.state !== null) tf.dispose(tensorsIn(this.state));
    this.state = null;
  }
}
