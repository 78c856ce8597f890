import { tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import type { PcActivation } from './architecture';

/**
 * The handful of ops in the inference loop, each one TensorFlow op on the native backend. Through
 * the TF.js engine every op costs ~15-25 us of bookkeeping on top of the kernel, tf.matMul adds two
 * reshapes around BatchMatMulV2, and f'(x) * h for tanh is three ops (square, sub, mul) where
 * TensorFlow has one (TanhGrad). The inference loop runs ~15 of these per step, T steps per batch,
 * so the overhead is most of the step on small layers. Calling the native backend directly keeps
 * the outputs tracked by the engine (tf.tidy and tf.memory() see them) but records nothing on a
 * gradient tape: these ops are for the explicit local rules only, never for autodiff.
 * On any other backend (CRISTAL_BACKEND=cpu) each function is its tf.* composition.
 * TensorFlow's plain MatMul op goes through oneDNN's sgemm, which corrupts the heap under tfjs-node
 * (tensorflow/tfjs#8284; seen by @cristal/bayesian under the V8 profiler); BatchMatMulV2/V3 do not.
 */

type OpAttr = { name: string; type: number; value: unknown };
interface NodeBackend {
  executeSingleOutput(op: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  binding: { TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_FLOAT: number };
}

function nativeBackend(): NodeBackend | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  return typeof backend.executeSingleOutput === 'function' && backend.binding ? (backend as NodeBackend) : null;
}

function floatAttr(backend: NodeBackend): OpAttr {
  return { name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}

function run(backend: NodeBackend, op: string, inputs: Tensor[], extra: OpAttr[] = []): Tensor {
  return backend.executeSingleOutput(op, [floatAttr(backend), ...extra], inputs);
}

/**
 * Below this many rows, columns or inner products a matmul runs as BatchMatMulV3: TensorFlow's
 * oneDNN rewrite takes over BatchMatMulV2 (not V3), and its fixed cost (~70-100 us a call here)
 * dominates thin products such as the 10-unit output layer's (V3: ~20-40 us), while for the
 * 256-wide layers oneDNN is 15-30% faster. Measured on the 2-core AMD EPYC of the benchmark.
 */
export const THIN_MATMUL_DIMENSION = 32;

/** op(a) op(b) for 2-D float32 tensors. */
export function matMul(a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false): Tensor2D {
  const backend = nativeBackend();
  if (!backend) return tf.matMul(a, b, transposeA, transposeB);
  const { TF_ATTR_BOOL, TF_ATTR_TYPE, TF_FLOAT } = backend.binding;
  const adjoints = [
    { name: 'adj_x', type: TF_ATTR_BOOL, value: transposeA },
    { name: 'adj_y', type: TF_ATTR_BOOL, value: transposeB },
  ];
  const [rows, inner] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const columns = transposeB ? b.shape[0] : b.shape[1];
  if (Math.min(rows, inner, columns) < THIN_MATMUL_DIMENSION) {
    const types = ['Ta', 'Tb', 'Tout'].map((name) => ({ name, type: TF_ATTR_TYPE, value: TF_FLOAT }));
    return backend.executeSingleOutput('BatchMatMulV3', [...types, ...adjoints], [a, b]) as Tensor2D;
  }
  return run(backend, 'BatchMatMulV2', [a, b], adjoints) as Tensor2D;
}

/** a + b with broadcasting. */
export function add<T extends Tensor>(a: T, b: Tensor): T {
  const backend = nativeBackend();
  return (backend ? run(backend, 'AddV2', [a, b]) : tf.add(a, b)) as T;
}

/** a - b with broadcasting. */
export function sub<T extends Tensor>(a: T, b: Tensor): T {
  const backend = nativeBackend();
  return (backend ? run(backend, 'Sub', [a, b]) : tf.sub(a, b)) as T;
}

/** a * b with broadcasting (b is often a scalar tensor made once per training step). */
export function mul<T extends Tensor>(a: T, b: Tensor): T {
  const backend = nativeBackend();
  return (backend ? run(backend, 'Mul', [a, b]) : tf.mul(a, b)) as T;
}

/** Sum of same-shaped tensors in one op. */
export function addN<T extends Tensor>(terms: T[]): T {
  if (terms.length === 0) throw new Error('addN needs at least one tensor.');
  if (terms.length === 1) return terms[0];
  const backend = nativeBackend();
  if (!backend) return tf.addN(terms) as T;
  return run(backend, 'AddN', terms, [{ name: 'N', type: backend.binding.TF_ATTR_INT, value: terms.length }]) as T;
}

/** f(x) for a hidden value node. */
export function activate(kind: PcActivation, x: Tensor2D): Tensor2D {
  if (kind === 'linear') return x;
  const backend = nativeBackend();
  if (backend) return run(backend, kind === 'tanh' ? 'Tanh' : kind === 'sigmoid' ? 'Sigmoid' : 'Relu', [x]) as Tensor2D;
  return kind === 'tanh' ? tf.tanh(x) : kind === 'sigmoid' ? tf.sigmoid(x) : tf.relu(x);
}

/**
 * f'(x) * h, given x and fx = f(x): (1 - fx^2) h for tanh, fx (1 - fx) h for sigmoid, [x > 0] h for
 * relu, h for linear. One TensorFlow op on the native backend (TanhGrad, SigmoidGrad, ReluGrad),
 * which are plain elementwise kernels despite their names.
 */
export function activationDerivativeTimes(kind: PcActivation, x: Tensor2D, fx: Tensor2D, h: Tensor2D): Tensor2D {
  if (kind === 'linear') return h;
  const backend = nativeBackend();
  if (backend) {
    if (kind === 'tanh') return run(backend, 'TanhGrad', [fx, h]) as Tensor2D;
    if (kind === 'sigmoid') return run(backend, 'SigmoidGrad', [fx, h]) as Tensor2D;
    return run(backend, 'ReluGrad', [h, x]) as Tensor2D;
  }
  return tf.tidy(() => tf.mul(h, activationDerivative(kind, x, fx)));
}

/** f'(x) as a tensor, given x and fx = f(x) (tf.* ops; used outside the hot loop). */
export function activationDerivative(kind: PcActivation, x: Tensor2D, fx: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    if (kind === 'tanh') return tf.sub(1, tf.square(fx));
    if (kind === 'sigmoid') return tf.mul(fx, tf.sub(1, fx));
    if (kind === 'relu') return tf.cast(tf.greater(x, 0), 'float32');
    return tf.onesLike(x);
  });
}

/** Whether the single-op native kernels are in use (the `tensorflow` backend). */
export function nativeOpsActive(): boolean {
  return nativeBackend() !== null;
}
