import { tf, type Tensor } from '@cristal/tensor';
import type { GraphBuilder, Value } from '@cristal/onnx';
import type { ConvStep, DenseStep, FlattenStep, ImageStep, PointNetwork } from './network-steps';

/**
 * What flows through the graph. Unstacked: one network's activations, [B, F] or NCHW [B, C, H, W].
 * Stacked: the K networks' activations at once: [K, B, F] for features, and for images the members'
 * channels side by side, [B, K C, H, W] with member k's channels at k C .. (k + 1) C - 1.
 */
export interface Flow {
  value: Value;
  stacked: boolean;
}

/** Writes `tensor` as an initializer and frees it (the builder keeps a copy of the bytes). */
function consumed(g: GraphBuilder, name: string, tensor: Tensor): Value {
  try {
    return g.initializer(name, tensor);
  } finally {
    tensor.dispose();
  }
}

/** HWIO (TF.js) to OIHW (ONNX Conv). */
const oihw = (kernel: Tensor) => tf.transpose(kernel, [3, 2, 0, 1]);

function emitImage(g: GraphBuilder, flow: Flow, step: ImageStep): Flow {
  if (flow.stacked) throw new Error(`emitNetworks: ${step.origin} must reshape the input pixels (lowerBayesianNetwork puts it first).`);
  const nhwc = g.reshape(flow.value, [-1, step.height, step.width, step.channels]);
  return { value: g.transpose(nhwc, [0, 3, 1, 2]), stacked: false };
}

/**
 * A convolution of K networks runs as one grouped Conv rather than K branches: one node per layer
 * whatever K, one kernel call for all members, and the same initializer bytes (K kernels either
 * way). The first convolution with per-member kernels sees one input for all members, so it is a
 * plain Conv with the K kernels stacked on the output channels ([K O, C, kh, kw], group 1); from
 * there the members' channels sit side by side and each later Conv has group K. A kernel shared by
 * every member (a point layer) after that is repeated K times by a Concat of one initializer.
 */
function emitConv(g: GraphBuilder, flow: Flow, column: readonly ConvStep<Tensor>[]): Flow {
  const first = column[0];
  const K = column.length;
  const geometry = { strides: [...first.strides], pads: [...first.pads] };
  const varies = column.some((s) => s.weight !== first.weight || s.bias !== first.bias);
  if (!varies) {
    const w = consumed(g, 'kernel', oihw(first.weight));
    const b = first.bias ? g.initializer('bias', first.bias) : undefined;
    if (!flow.stacked) return { value: g.conv(flow.value, w, b, geometry), stacked: false };
    const repeated = (v: Value) => g.concat(Array<Value>(K).fill(v), 0);
    return { value: g.conv(flow.value, repeated(w), b ? repeated(b) : undefined, { ...geometry, group: K }), stacked: true };
  }
  const w = consumed(g, 'kernel', tf.tidy(() => tf.concat(column.map((s) => oihw(s.weight)), 0)));
  const b = first.bias ? consumed(g, 'bias', tf.concat(column.map((s) => s.bias as Tensor), 0)) : undefined;
  return { value: g.conv(flow.value, w, b, { ...geometry, group: flow.stacked ? K : 1 }), stacked: true };
}

/** Back to NHWC before flattening, so the features come in TF.js's order (the next dense layer's rows). */
function emitFlatten(g: GraphBuilder, flow: Flow, step: FlattenStep, members: number): Flow {
  const { height: h, width: w, channels: c } = step;
  if (!flow.stacked) return { value: g.reshape(g.transpose(flow.value, [0, 2, 3, 1]), [-1, h * w * c]), stacked: false };
  // [B, K C, H, W] -> [B, K, C, H, W] -> [K, B, H, W, C] -> [K, B, H W C]
  const split = g.reshape(flow.value, [-1, members, c, h, w]);
  return { value: g.reshape(g.transpose(split, [1, 0, 3, 4, 2]), [members, -1, h * w * c]), stacked: true };
}

/**
 * Per-member weights are one initializer [K, in, out] and biases [K, 1, out]: a batched MatMul
 * (the first one broadcasts x [B, in] to [K, B, out]). Shared ones are stored once, [in, out] and
 * [out], and broadcast over K: a Gemm while nothing is stacked yet.
 */
function emitDense(g: GraphBuilder, flow: Flow, column: readonly DenseStep<Tensor>[]): Flow {
  const first = column[0];
  const K = column.length;
  const weightVaries = column.some((s) => s.weight !== first.weight);
  const biasVaries = first.bias !== null && column.some((s) => s.bias !== first.bias);
  const w = weightVaries ? consumed(g, 'weight', tf.stack(column.map((s) => s.weight))) : g.initializer('weight', first.weight);
  let b: Value | null = null;
  if (first.bias) {
    const units = first.bias.shape[0];
    b = biasVaries ? consumed(g, 'bias', tf.tidy(() => tf.reshape(tf.stack(column.map((s) => s.bias as Tensor)), [K, 1, units]))) : g.initializer('bias', first.bias);
  }
  if (!flow.stacked && !weightVaries && !biasVaries) return { value: b ? g.gemm(flow.value, w, b) : g.gemm(flow.value, w), stacked: false };
  const y = g.matMul(flow.value, w);
  return { value: b ? g.add(y, b) : y, stacked: true };
}

function emitActivation(g: GraphBuilder, flow: Flow, activation: 'relu' | 'tanh' | 'sigmoid'): Flow {
  const value = activation === 'relu' ? g.relu(flow.value) : activation === 'tanh' ? g.tanh(flow.value) : g.sigmoid(flow.value);
  return { ...flow, value };
}

/**
 * K networks of one architecture (dropout already folded, `foldDropoutMasks`) on the pixels:
 * parameters shared by every member (the same tensor) are stored once, the others stacked, and
 * nothing is stacked while no member differs (a single network is a plain chain). Scopes name the
 * layers: `image`, `conv1`, `pool1`, `flatten`, `layer1` (dense layers, as in the MLP export), with
 * an activation in the scope of the step before it. Returns the logits, [B, 10] or stacked [K, B, 10].
 */
export function emitNetworks(g: GraphBuilder, pixels: Value, members: readonly PointNetwork[]): Flow {
  if (members.length === 0) throw new Error('emitNetworks: no networks to emit.');
  let flow: Flow = { value: pixels, stacked: false };
  let scope = 'input';
  const count = { conv: 0, maxPool: 0, flatten: 0, dense: 0 };
  members[0].steps.forEach((step, i) => {
    // the same step of every member (checkSameArchitecture: same kinds and shapes)
    const column = members.map((m) => m.steps[i]);
    switch (step.kind) {
      case 'image':
        scope = 'image';
        flow = g.scope(scope, () => emitImage(g, flow, step));
        break;
      case 'conv':
        scope = `conv${++count.conv}`;
        flow = g.scope(scope, () => emitConv(g, flow, column as ConvStep<Tensor>[]));
        break;
      case 'maxPool':
        scope = `pool${++count.maxPool}`;
        flow = g.scope(scope, () => ({ ...flow, value: g.maxPool(flow.value, [step.size, step.size], [step.size, step.size]) }));
        break;
      case 'flatten':
        scope = ++count.flatten === 1 ? 'flatten' : `flatten${count.flatten}`;
        flow = g.scope(scope, () => emitFlatten(g, flow, step, members.length));
        break;
      case 'dense':
        scope = `layer${++count.dense}`;
        flow = g.scope(scope, () => emitDense(g, flow, column as DenseStep<Tensor>[]));
        break;
      case 'activation':
        flow = g.scope(scope, () => emitActivation(g, flow, step.activation));
        break;
      case 'dropout':
        if (step.keep) throw new Error(`emitNetworks: ${step.origin} still holds a sampled mask; fold it first (foldDropoutMasks).`);
        break;
    }
  });
  return flow;
}

/**
 * The classifier's output: softmax(logits / T) per network, then the mean over the stacked networks
 * (axis 0): (1/K) sum_k softmax(f_k(x) / T). T = 1 emits no division.
 */
export function emitPredictive(g: GraphBuilder, logits: Flow, temperature: number): Value {
  return g.scope('output', () => {
    const z = temperature === 1 ? logits.value : g.div(logits.value, g.initializer('temperature', Float32Array.of(temperature), []));
    const p = g.softmax(z, -1);
    return logits.stacked ? g.reduceMean(p, [0], false) : p;
  });
}
