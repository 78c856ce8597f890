import { tf, type Tensor } from '@cristal/tensor';

export interface DeltaEncodeOptions {
  /** A change larger than this (strictly) makes an event. Default 0.1. */
  threshold?: number;
  /** Compare the first frame with itself (no events at t = 0) instead of with zeros. Default false. */
  padding?: boolean;
}

/**
 * Delta modulation (snnTorch's spikegen.delta, with on/off channels like an event camera): with
 * d_t = x_t - x_{t-1} between consecutive frames,
 *   on_t  = [d_t >  threshold]   (brighter)
 *   off_t = [d_t < -threshold]   (darker)
 * Frames [T, B, ...]; returns [T, B, 2, ...] float32 0/1, channel 0 on and channel 1 off.
 */
export function deltaEncode(frames: Tensor, options: DeltaEncodeOptions = {}): Tensor {
  const { threshold = 0.1, padding = false } = options;
  if (!(threshold >= 0 && Number.isFinite(threshold))) throw new Error(`threshold must be a non-negative number, got ${threshold}.`);
  if (frames.rank < 2) throw new Error(`frames must be [T, B, ...], got shape [${frames.shape.join(', ')}].`);
  return tf.tidy(() => {
    const T = frames.shape[0];
    const first = tf.slice(frames, 0, 1);
    const before = tf.concat([padding ? first : tf.zerosLike(first), tf.slice(frames, 0, T - 1)], 0);
    const d = tf.sub(frames, before);
    const on = tf.cast(tf.greater(d, threshold), 'float32');
    const off = tf.cast(tf.less(d, -threshold), 'float32');
    return tf.stack([on, off], 2);
  });
}
