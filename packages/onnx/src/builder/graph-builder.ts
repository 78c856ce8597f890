import { create } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { tf, type Tensor } from '@cristal/tensor';
import { type DType, onnxDataType } from '../proto/data-type';
import { encodeModel } from '../proto/model-io';
import { tensorProto, type TensorData } from '../proto/tensor-proto';
import { DEFAULT_OPSET, IR_VERSION, MAX_OPSET, MIN_OPSET, PRODUCER_NAME, PRODUCER_VERSION } from './opset';
import {
  ShapeError,
  broadcastShapes,
  checkAxis,
  concatShape,
  convShape,
  gemmShape,
  matMulShape,
  reduceShape,
  reshapeShape,
  squeezeShape,
  transposeShape,
  unsqueezeShape,
  type NodeRef,
} from './shape-inference';
import { type Dim, type Shape, type Value, formatShape } from './value';

export interface GraphBuilderOptions {
  /** Graph name stored in the file. */
  name?: string;
  /** Default-domain opset, 13..26 (default 21). */
  opset?: number;
}

export interface BuildOptions {
  /** `metadata_props`; written sorted by key so insertion order never changes the bytes. */
  metadata?: Readonly<Record<string, string>>;
  docString?: string;
}

type AttrValue = number | number[] | { float: number };

function attribute(name: string, value: AttrValue): AttributeProto {
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) });
  if (typeof value === 'object') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.float });
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
}

function valueInfo(v: Value): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name: v.name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: onnxDataType(v.dtype),
          shape: { dim: v.shape.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })) },
        },
      },
    },
  });
}

/**
 * MaxPool's output shape without padding: floor((size - kernel) / stride) + 1 per spatial axis (the
 * operator's default floor mode). Kept beside the builder so the pooling rule lives with the operator.
 */
function maxPoolShape(at: NodeRef, x: Shape, kernel: readonly number[], strides: readonly number[]): Shape {
  const spatial = x.length - 2;
  if (spatial < 1) throw new ShapeError(at.node, at.op, `X ${formatShape(x)} must be [N, C, spatial...]`);
  const positive = (values: readonly number[]) => values.length === spatial && values.every((v) => Number.isInteger(v) && v >= 1);
  if (!positive(kernel)) throw new ShapeError(at.node, at.op, `kernel_shape [${kernel.join(', ')}] must be ${spatial} positive integers for X ${formatShape(x)}`);
  if (!positive(strides)) throw new ShapeError(at.node, at.op, `strides [${strides.join(', ')}] must be ${spatial} positive integers for X ${formatShape(x)}`);
  const out: Dim[] = [x[0], x[1]];
  for (let i = 0; i < spatial; i++) {
    const size = x[2 + i];
    if (typeof size !== 'number') {
      out.push(`${at.node}:${i}`);
      continue;
    }
    if (kernel[i] > size) throw new ShapeError(at.node, at.op, `kernel_shape [${kernel.join(', ')}] is larger than input ${formatShape(x)}`);
    out.push(Math.floor((size - kernel[i]) / strides[i]) + 1);
  }
  return out;
}

/**
 * Builds one ONNX graph op by op, inferring and checking shapes as it goes. Names are the contract
 * with whoever reads the file later (profilers, Netron, a failing shape check): a node is named by
 * its scope and operator (`layer1/gemm`), its output value by the node, initializers by scope too.
 */
export class GraphBuilder {
  readonly opset: number;
  readonly name: string;
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private readonly values = new Map<string, Value>();
  private readonly nodeNames = new Set<string>();
  private readonly scopes: string[] = [];

  constructor(options: GraphBuilderOptions = {}) {
    this.opset = options.opset ?? DEFAULT_OPSET;
    this.name = options.name ?? 'graph';
    if (!Number.isInteger(this.opset) || this.opset < MIN_OPSET || this.opset > MAX_OPSET) {
      throw new Error(`opset ${this.opset} is not supported: use ${MIN_OPSET}..${MAX_OPSET}`);
    }
  }

  /** Runs `fn` with `prefix/` in front of every node and initializer name it creates. */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  input(name: string, dtype: DType, shape: Shape): Value {
    const v = this.define({ name, dtype, shape });
    this.inputs.push(v);
    return v;
  }

  /** A constant from a TF.js tensor (float32 or int32, shape taken from it) or a typed array. */
  initializer(name: string, source: Tensor | TensorData, shape?: readonly number[]): Value {
    const full = this.scoped(name);
    let dtype: DType;
    let dims: readonly number[];
    let data: TensorData;
    if (source instanceof tf.Tensor) {
      if (source.dtype !== 'float32' && source.dtype !== 'int32') throw new Error(`initializer '${full}': TF.js dtype ${source.dtype} is not supported (float32, int32)`);
      if (shape && formatShape(shape) !== formatShape(source.shape)) throw new Error(`initializer '${full}': shape ${formatShape(shape)} given for a tensor of shape ${formatShape(source.shape)}`);
      dtype = source.dtype;
      dims = source.shape;
      data = source.dataSync() as Float32Array | Int32Array;
    } else {
      if (!shape) throw new Error(`initializer '${full}': a typed array needs its shape`);
      dims = shape;
      data = source;
      dtype = source instanceof Float32Array ? 'float32' : source instanceof BigInt64Array ? 'int64' : source instanceof Int32Array ? 'int32' : 'bool';
    }
    const v = this.define({ name: full, dtype, shape: [...dims] });
    this.initializers.push(tensorProto(full, dtype, dims, data));
    return v;
  }

  /** An int64 constant (shapes, axes). */
  int64(name: string, values: readonly number[]): Value {
    return this.initializer(name, BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  /** Marks `value` as a graph output called `name`, renaming it in place when it is a node output. */
  output(value: Value, name = value.name): Value {
    const producer = this.nodes.find((n) => n.output.includes(value.name));
    let out = value;
    if (name !== value.name) {
      if (producer && !this.inputs.some((i) => i.name === value.name) && !this.outputs.some((o) => o.name === value.name)) {
        out = this.define({ ...value, name });
        this.values.delete(value.name);
        for (const n of this.nodes) {
          n.input = n.input.map((i) => (i === value.name ? name : i));
          n.output = n.output.map((o) => (o === value.name ? name : o));
        }
      } else {
        out = this.node('Identity', [value], { name: `output/${name}`, dtype: value.dtype, shape: value.shape }, undefined, name);
      }
    }
    this.outputs.push(out);
    return out;
  }

  // ---- operators ------------------------------------------------------------------------------

  matMul(a: Value, b: Value, name?: string): Value {
    return this.emit('MatMul', [a, b], name, (at) => ({ dtype: this.sameDtype(at, [a, b]), shape: matMulShape(at, a.shape, b.shape) }));
  }

  gemm(a: Value, b: Value, c?: Value, options: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}, name?: string): Value {
    const attrs: Record<string, AttrValue> = {};
    if (options.transA) attrs.transA = 1;
    if (options.transB) attrs.transB = 1;
    if (options.alpha !== undefined) attrs.alpha = { float: options.alpha };
    if (options.beta !== undefined) attrs.beta = { float: options.beta };
    const ins = c ? [a, b, c] : [a, b];
    return this.emit('Gemm', ins, name, (at) => ({ dtype: this.sameDtype(at, ins), shape: gemmShape(at, a.shape, b.shape, c?.shape ?? null, !!options.transA, !!options.transB) }), attrs);
  }

  add(a: Value, b: Value, name?: string): Value {
    return this.binary('Add', a, b, name);
  }
  sub(a: Value, b: Value, name?: string): Value {
    return this.binary('Sub', a, b, name);
  }
  mul(a: Value, b: Value, name?: string): Value {
    return this.binary('Mul', a, b, name);
  }
  div(a: Value, b: Value, name?: string): Value {
    return this.binary('Div', a, b, name);
  }
  max(values: readonly Value[], name?: string): Value {
    return this.emit('Max', values, name, (at) => ({ dtype: this.sameDtype(at, values), shape: broadcastShapes(at, values.map((v) => v.shape)) }));
  }
  min(values: readonly Value[], name?: string): Value {
    return this.emit('Min', values, name, (at) => ({ dtype: this.sameDtype(at, values), shape: broadcastShapes(at, values.map((v) => v.shape)) }));
  }

  greater(a: Value, b: Value, name?: string): Value {
    return this.emit('Greater', [a, b], name, (at) => ({ dtype: (this.sameDtype(at, [a, b]), 'bool'), shape: broadcastShapes(at, [a.shape, b.shape]) }));
  }

  where(condition: Value, x: Value, y: Value, name?: string): Value {
    return this.emit('Where', [condition, x, y], name, (at) => {
      if (condition.dtype !== 'bool') throw new ShapeError(at.node, at.op, `condition '${condition.name}' must be bool, got ${condition.dtype}`);
      return { dtype: this.sameDtype(at, [x, y]), shape: broadcastShapes(at, [condition.shape, x.shape, y.shape]) };
    });
  }

  cast(x: Value, to: DType, name?: string): Value {
    return this.emit('Cast', [x], name, () => ({ dtype: to, shape: x.shape }), { to: onnxDataType(to) });
  }

  softmax(x: Value, axis = -1, name?: string): Value {
    return this.emit('Softmax', [x], name, (at) => (checkAxis(at, axis, x.shape.length), { dtype: x.dtype, shape: x.shape }), { axis });
  }

  exp(x: Value, name?: string): Value {
    return this.unary('Exp', x, name);
  }
  log(x: Value, name?: string): Value {
    return this.unary('Log', x, name);
  }
  relu(x: Value, name?: string): Value {
    return this.unary('Relu', x, name);
  }
  tanh(x: Value, name?: string): Value {
    return this.unary('Tanh', x, name);
  }
  sigmoid(x: Value, name?: string): Value {
    return this.unary('Sigmoid', x, name);
  }
  identity(x: Value, name?: string): Value {
    return this.unary('Identity', x, name);
  }

  reduceSum(x: Value, axes: readonly number[], keepDims = true, name?: string): Value {
    return this.reduce('ReduceSum', 13, x, axes, keepDims, name);
  }

  /** ReduceMean's axes became an input only in opset 18 (ReduceSum's in 13). */
  reduceMean(x: Value, axes: readonly number[], keepDims = true, name?: string): Value {
    return this.reduce('ReduceMean', 18, x, axes, keepDims, name);
  }

  reshape(x: Value, shape: readonly number[], name?: string): Value {
    const nodeName = this.nodeName('Reshape', name);
    const target = this.int64(`${this.unscoped(nodeName)}/shape`, shape);
    return this.emitNamed('Reshape', [x, target], nodeName, (at) => ({ dtype: x.dtype, shape: reshapeShape(at, x.shape, shape) }));
  }

  transpose(x: Value, perm: readonly number[], name?: string): Value {
    return this.emit('Transpose', [x], name, (at) => ({ dtype: x.dtype, shape: transposeShape(at, x.shape, perm) }), { perm: [...perm] });
  }

  conv(x: Value, w: Value, b?: Value, options: { strides?: number[]; pads?: number[]; dilations?: number[]; group?: number } = {}, name?: string): Value {
    const spatial = Math.max(w.shape.length - 2, 1);
    const geometry = {
      strides: options.strides ?? Array<number>(spatial).fill(1),
      pads: options.pads ?? Array<number>(2 * spatial).fill(0),
      dilations: options.dilations ?? Array<number>(spatial).fill(1),
      group: options.group ?? 1,
    };
    const kernel = w.shape.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
    const ins = b ? [x, w, b] : [x, w];
    return this.emit('Conv', ins, name, (at) => ({ dtype: this.sameDtype(at, ins), shape: convShape(at, x.shape, w.shape, b?.shape ?? null, geometry) }), {
      kernel_shape: kernel,
      strides: geometry.strides,
      pads: geometry.pads,
      dilations: geometry.dilations,
      group: geometry.group,
    });
  }

  /** ONNX MaxPool over the spatial axes of NCHW `x`, without padding (every window lies inside the input). */
  maxPool(x: Value, kernelShape: readonly number[], strides: readonly number[], name?: string): Value {
    return this.emit('MaxPool', [x], name, (at) => ({ dtype: x.dtype, shape: maxPoolShape(at, x.shape, kernelShape, strides) }), {
      kernel_shape: [...kernelShape],
      strides: [...strides],
    });
  }

  concat(values: readonly Value[], axis: number, name?: string): Value {
    return this.emit('Concat', values, name, (at) => ({ dtype: this.sameDtype(at, values), shape: concatShape(at, values.map((v) => v.shape), axis) }), { axis });
  }

  unsqueeze(x: Value, axes: readonly number[], name?: string): Value {
    const nodeName = this.nodeName('Unsqueeze', name);
    const axesValue = this.int64(`${this.unscoped(nodeName)}/axes`, axes);
    return this.emitNamed('Unsqueeze', [x, axesValue], nodeName, (at) => ({ dtype: x.dtype, shape: unsqueezeShape(at, x.shape, axes) }));
  }

  squeeze(x: Value, axes: readonly number[], name?: string): Value {
    const nodeName = this.nodeName('Squeeze', name);
    const axesValue = this.int64(`${this.unscoped(nodeName)}/axes`, axes);
    return this.emitNamed('Squeeze', [x, axesValue], nodeName, (at) => ({ dtype: x.dtype, shape: squeezeShape(at, x.shape, axes) }));
  }

  // ---- output ---------------------------------------------------------------------------------

  build(options: BuildOptions = {}): ModelProto {
    if (this.outputs.length === 0) throw new Error(`graph '${this.name}' has no outputs`);
    const metadata = Object.entries(options.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
      opsetImport: [{ domain: '', version: BigInt(this.opset) }],
      producerName: PRODUCER_NAME,
      producerVersion: PRODUCER_VERSION,
      docString: options.docString ?? '',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
      metadataProps: metadata.map(([key, value]) => ({ key, value })),
    });
  }

  /** The serialised model; the same graph and weights always give the same bytes. */
  toBytes(options: BuildOptions = {}): Uint8Array {
    return encodeModel(this.build(options));
  }

  // ---- internals ------------------------------------------------------------------------------

  private scoped(name: string): string {
    return [...this.scopes, name].join('/');
  }

  private unscoped(full: string): string {
    const prefix = this.scopes.length ? `${this.scopes.join('/')}/` : '';
    return full.startsWith(prefix) ? full.slice(prefix.length) : full;
  }

  private define(v: Value): Value {
    if (this.values.has(v.name)) throw new Error(`graph '${this.name}': the name '${v.name}' is already used`);
    this.values.set(v.name, v);
    return v;
  }

  /** `name` as given (scoped), else the operator in lower case, numbered when it repeats. */
  private nodeName(op: string, name?: string): string {
    if (name !== undefined) return this.scoped(name);
    const base = this.scoped(op.toLowerCase());
    let candidate = base;
    for (let i = 2; this.nodeNames.has(candidate) || this.values.has(candidate); i++) candidate = `${base}_${i}`;
    return candidate;
  }

  private sameDtype(at: NodeRef, values: readonly Value[]): DType {
    const d = values[0].dtype;
    const other = values.find((v) => v.dtype !== d);
    if (other) throw new ShapeError(at.node, at.op, `operand dtypes differ: '${values[0].name}' is ${d}, '${other.name}' is ${other.dtype}`);
    return d;
  }

  private unary(op: string, x: Value, name?: string): Value {
    return this.emit(op, [x], name, () => ({ dtype: x.dtype, shape: x.shape }));
  }

  private binary(op: string, a: Value, b: Value, name?: string): Value {
    return this.emit(op, [a, b], name, (at) => ({ dtype: this.sameDtype(at, [a, b]), shape: broadcastShapes(at, [a.shape, b.shape]) }));
  }

  private reduce(op: string, axesInputSince: number, x: Value, axes: readonly number[], keepDims: boolean, name?: string): Value {
    if (axes.length === 0) throw new Error(`${op}: give the axes explicitly (empty axes mean "all" or "none" depending on an attribute)`);
    const nodeName = this.nodeName(op, name);
    const shapeOf = (at: NodeRef) => ({ dtype: x.dtype, shape: reduceShape(at, x.shape, axes, keepDims) });
    if (this.opset >= axesInputSince) {
      const axesValue = this.int64(`${this.unscoped(nodeName)}/axes`, axes);
      return this.emitNamed(op, [x, axesValue], nodeName, shapeOf, { keepdims: keepDims ? 1 : 0 });
    }
    return this.emitNamed(op, [x], nodeName, shapeOf, { axes: [...axes], keepdims: keepDims ? 1 : 0 });
  }

  private emit(op: string, inputs: readonly Value[], name: string | undefined, infer: (at: NodeRef) => Omit<Value, 'name'>, attrs: Record<string, AttrValue> = {}): Value {
    return this.emitNamed(op, inputs, this.nodeName(op, name), infer, attrs);
  }

  private emitNamed(op: string, inputs: readonly Value[], nodeName: string, infer: (at: NodeRef) => Omit<Value, 'name'>, attrs: Record<string, AttrValue> = {}): Value {
    return this.node(op, inputs, { name: nodeName, ...infer({ node: nodeName, op }) }, attrs);
  }

  private node(op: string, inputs: readonly Value[], out: Value, attrs: Record<string, AttrValue> = {}, outputName = out.name): Value {
    if (this.nodeNames.has(out.name)) throw new Error(`graph '${this.name}': a node named '${out.name}' already exists`);
    for (const i of inputs) {
      if (this.values.get(i.name) !== i) throw new Error(`node '${out.name}' (${op}): input '${i.name}' does not belong to graph '${this.name}'`);
    }
    const value = this.define({ ...out, name: outputName });
    this.nodeNames.add(out.name);
    this.nodes.push(
      create(NodeProtoSchema, {
        name: out.name,
        opType: op,
        input: inputs.map((i) => i.name),
        output: [outputName],
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return value;
  }
}
