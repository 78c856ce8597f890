import { tf, type Tensor } from '@cristal/tensor';

/**
 * Dense-layer ops run as single TensorFlow ops on the native backend. tf.matMul reshapes both
 * operands to 3-D and back around BatchMatMulV2 (three ops, and slower kernels for transposed
 * operands), and tf.relu's gradient goes through tfjs's generic `step` (five ops, about 1 ms per
 * layer of the benchmark MLP). These register `CristalMatMul` and `CristalRelu` (with gradients) on
 * the `tensorflow` backend: BatchMatMulV2 on the 2-D operands directly, and TensorFlow's Relu and
 * ReluGrad. On any other backend `matMul` and `relu` are tf.matMul and tf.relu.
 * TensorFlow's plain MatMul op would be a little faster still, but run eagerly from tfjs-node under
 * the V8 sampling profiler (node --cpu-prof) it corrupts the heap ("corrupted size vs. prev_size");
 * BatchMatMulV2 does not.
 */

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type OpAttr = { name: string; type: number; value: unknown };
interface NodeBackend {
  executeSingleOutput(op: string, attrs: OpAttr[], inputs: TensorInfo[]): Tensor;
  binding: { TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_FLOAT: number };
}
type KernelFunc = Parameters<typeof tf.registerKernel>[0]['kernelFunc'];
type Attrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

export const MATMUL_KERNEL = 'CristalMatMul';
export const RELU_KERNEL = 'CristalRelu';
export const RELU_GRAD_KERNEL = 'CristalReluGrad';

function nodeBackend(backend: unknown): NodeBackend {
  return backend as NodeBackend;
}

function floatType(be: NodeBackend): OpAttr {
  return { name: 'T', type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
}

let registered: boolean | null = null;

function register(): boolean {
  if (registered !== null) return registered;
  const be = tf.findBackend('tensorflow') as unknown as Partial<NodeBackend> | null;
  registered = !!be && typeof be.executeSingleOutput === 'function' && !!be.binding;
  if (!registered) return false;
  tf.registerKernel({
    kernelName: MATMUL_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: (({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: { transposeA: boolean; transposeB: boolean } }) => {
      const b = nodeBackend(backend);
      return b.executeSingleOutput(
        'BatchMatMulV2',
        [floatType(b), { name: 'adj_x', type: b.binding.TF_ATTR_BOOL, value: attrs.transposeA }, { name: 'adj_y', type: b.binding.TF_ATTR_BOOL, value: attrs.transposeB }],
        [inputs.a, inputs.b],
      );
    }) as unknown as KernelFunc,
  });
  tf.registerGradient({
    kernelName: MATMUL_KERNEL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const g = dy as Tensor;
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      // C = op(A) op(B): the usual four cases
      if (!transposeA && !transposeB) return { a: () => matMul(g, b, false, true), b: () => matMul(a, g, true, false) };
      if (transposeA && !transposeB) return { a: () => matMul(b, g, false, true), b: () => matMul(a, g, false, false) };
      if (!transposeA && transposeB) return { a: () => matMul(g, b, false, false), b: () => matMul(g, a, true, false) };
      return { a: () => matMul(b, g, true, true), b: () => matMul(g, a, true, true) };
    },
  });
  tf.registerKernel({
    kernelName: RELU_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: (({ inputs, backend }: { inputs: Record<string, TensorInfo>; backend: unknown }) => {
      const b = nodeBackend(backend);
      return b.executeSingleOutput('Relu', [floatType(b)], [inputs.x]);
    }) as unknown as KernelFunc,
  });
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: (({ inputs, backend }: { inputs: Record<string, TensorInfo>; backend: unknown }) => {
      const b = nodeBackend(backend);
      // ReluGrad(gradients, features) = gradients * (features > 0); relu(x) > 0 exactly where x > 0
      return b.executeSingleOutput('ReluGrad', [floatType(b)], [inputs.dy, inputs.y]);
    }) as unknown as KernelFunc,
  });
  tf.registerGradient({
    kernelName: RELU_KERNEL,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as Tensor, y: saved[0] }) as Tensor }),
  });
  return true;
}

function native(...tensors: Tensor[]): boolean {
  return tf.getBackend() === 'tensorflow' && tensors.every((t) => t.dtype === 'float32') && register();
}

/** op(a) op(b) for 2-D float tensors (op = transpose when asked), differentiable. */
export function matMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.rank !== 2 || b.rank !== 2) throw new Error(`matMul: expected 2-D tensors, got shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}].`);
  const k = transposeA ? a.shape[0] : a.shape[1];
  const kb = transposeB ? b.shape[1] : b.shape[0];
  if (k !== kb) throw new Error(`matMul: inner dimensions ${k} and ${kb} differ (shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]).`);
  if (!native(a, b)) return tf.matMul(a, b, transposeA, transposeB);
  return tf.engine().runKernel(MATMUL_KERNEL, { a, b }, { transposeA, transposeB } as unknown as Attrs) as Tensor;
}

/** max(x, 0), differentiable. */
export function relu(x: Tensor): Tensor {
  if (!native(x)) return tf.relu(x);
  return tf.engine().runKernel(RELU_KERNEL, { x }) as Tensor;
}
