import { tf, type Tensor } from '@cristal/tensor';

/**
 * Surrogate gradients for the Heaviside spike H(x), x = u - threshold. The forward pass is always
 * the exact step; the backward pass uses the derivative of a smooth stand-in, with `slope` its
 * sharpness (defaults as in snnTorch):
 *   arctan          (slope/2) / (1 + (pi/2 slope x)^2)       derivative of 1/pi atan(pi/2 slope x) + 1/2, slope 2
 *   fastSigmoid     1 / (1 + slope |x|)^2                     (Zenke and Ganguli's SuperSpike), slope 25
 *   sigmoid         slope s(slope x) (1 - s(slope x))          slope 25
 *   triangular      slope max(0, 1 - slope |x|)                unit area, support |x| < 1/slope, slope 1
 *   straightThrough 1                                          slope unused
 */
export type SurrogateKind = 'arctan' | 'fastSigmoid' | 'sigmoid' | 'triangular' | 'straightThrough';

export interface Surrogate {
  kind: SurrogateKind;
  slope: number;
}

export const DEFAULT_SLOPES: Record<SurrogateKind, number> = { arctan: 2, fastSigmoid: 25, sigmoid: 25, triangular: 1, straightThrough: 1 };

/** Numeric ids shared with the native kernels (native/lif_scan.h). */
export const SURROGATE_IDS: Record<SurrogateKind, number> = { arctan: 0, fastSigmoid: 1, sigmoid: 2, triangular: 3, straightThrough: 4 };

export function surrogate(kind: SurrogateKind = 'arctan', slope = DEFAULT_SLOPES[kind]): Surrogate {
  if (!(kind in DEFAULT_SLOPES)) throw new Error(`Unknown surrogate "${kind}"; use one of ${Object.keys(DEFAULT_SLOPES).join(', ')}.`);
  if (!(slope > 0) || !Number.isFinite(slope)) throw new Error(`Surrogate slope must be a positive number, got ${slope}.`);
  return { kind, slope };
}

/** The surrogate derivative at x, in plain JavaScript (the JS kernels and tests use it). */
export function surrogateDerivative(s: Surrogate, x: number): number {
  const a = s.slope;
  switch (s.kind) {
    case 'arctan': {
      const z = (Math.PI / 2) * a * x;
      return (0.5 * a) / (1 + z * z);
    }
    case 'fastSigmoid':
      return 1 / (1 + a * Math.abs(x)) ** 2;
    case 'sigmoid': {
      const sg = 1 / (1 + Math.exp(-a * x));
      return a * sg * (1 - sg);
    }
    case 'triangular':
      return Math.max(0, a * (1 - a * Math.abs(x)));
    case 'straightThrough':
      return 1;
  }
}

/** The same derivative as TF.js ops, elementwise over a tensor. */
export function surrogateDerivativeTensor(s: Surrogate, x: Tensor): Tensor {
  const a = s.slope;
  return tf.tidy(() => {
    switch (s.kind) {
      case 'arctan':
        return tf.div(0.5 * a, tf.add(1, tf.square(tf.mul(x, (Math.PI / 2) * a))));
      case 'fastSigmoid':
        return tf.reciprocal(tf.square(tf.add(1, tf.mul(tf.abs(x), a))));
      case 'sigmoid': {
        const sg = tf.sigmoid(tf.mul(x, a));
        return tf.mul(a, tf.mul(sg, tf.sub(1, sg)));
      }
      case 'triangular':
        return tf.mul(a, tf.relu(tf.sub(1, tf.mul(tf.abs(x), a))));
      case 'straightThrough':
        return tf.onesLike(x);
    }
  });
}

/** H(x) forward (1 where x > 0), surrogate derivative backward. */
export function spike(x: Tensor, s: Surrogate = surrogate()): Tensor {
  const op = tf.customGrad((input, save) => {
    const inputTensor = input as Tensor;
    (save as (tensors: Tensor[]) => void)([inputTensor]);
    return {
      value: tf.cast(tf.greater(inputTensor, 0), 'float32'),
      gradFunc: (dy, saved) => tf.mul(dy as Tensor, surrogateDerivativeTensor(s, saved[0])),
    };
  });
  return op(x) as Tensor;
}
