// Hand-written ONNX models as plain objects, for the operators and attributes GraphBuilder does not
// emit (Flatten, Slice, Shape, auto_pad, ...). They satisfy the same structural types a decoded file does.
import { exportDenseMlp, type ClassifierMetadata, type DenseLayer } from '@cristal/onnx';
import { tf } from '@cristal/tensor';
import { ATTRIBUTE_TYPE, ONNX_DATA_TYPE, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-structure';

type AttributeValue = number | number[] | string | { float: number } | { tensor: OnnxTensor };

function attribute(name: string, value: AttributeValue): OnnxAttribute {
  if (Array.isArray(value)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: value.map(BigInt) };
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: BigInt(value) };
  if (typeof value === 'string') return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(value) };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: value.tensor };
}

/** A node named after its first output unless `name` is given. */
export function node(opType: string, input: string[], output: string[], attrs: Record<string, AttributeValue> = {}, name = output[0]): OnnxNode {
  return { name, opType, domain: '', input, output, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) };
}

/** An int64 tensor stored as little-endian raw_data, as exporters write it. */
export function int64Tensor(name: string, values: number[], dims: number[] = [values.length]): OnnxTensor {
  return { name, dataType: ONNX_DATA_TYPE.INT64, dims: dims.map(BigInt), rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
}

/** A float32 tensor of zeros (only its shape matters to the counters). */
export function floatTensor(name: string, dims: number[], dataType: number = ONNX_DATA_TYPE.FLOAT): OnnxTensor {
  return { name, dataType, dims: dims.map(BigInt) };
}

/** A float32 tensor value info; a string dim is a symbol. */
export function tensorInfo(name: string, dims: (number | string)[]): OnnxValueInfo {
  return {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: ONNX_DATA_TYPE.FLOAT,
          shape: { dim: dims.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })) },
        },
      },
    },
  };
}

export interface PlainModel {
  inputs?: OnnxValueInfo[];
  initializers?: OnnxTensor[];
  nodes: OnnxNode[];
  /** Names of the graph outputs (default: the last node's first output). */
  outputs?: string[];
  metadata?: Record<string, string>;
}

/** A model over `x` [batch, ...] (default `pixels` [batch, 784]). */
export function plainModel(spec: PlainModel): OnnxModel {
  const outputs = spec.outputs ?? [spec.nodes[spec.nodes.length - 1].output[0]];
  return {
    graph: {
      node: spec.nodes,
      initializer: spec.initializers ?? [],
      input: spec.inputs ?? [tensorInfo('pixels', ['batch', 784])],
      output: outputs.map((name) => ({ name })),
    },
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

export const TEST_METADATA: ClassifierMetadata = {
  project: 'benchmarks',
  experiment: 'cost-test',
  runId: 'run-0001',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  configHash: 'sha256:abc',
  modelFamily: 'mlp',
  testMetrics: { accuracy: 0.98 },
};

/** The bytes of `exportDenseMlp` for layer sizes [784, ..., 10] (zero weights, ReLU between layers). */
export function denseMlpBytes(sizes: readonly number[], extraMetadata: Record<string, string> = {}): Uint8Array {
  const layers: DenseLayer[] = sizes.slice(1).map((out, i) => ({
    weight: tf.zeros([sizes[i], out]),
    bias: tf.zeros([out]),
    activation: i === sizes.length - 2 ? 'none' : 'relu',
  }));
  try {
    return exportDenseMlp(layers, { metadata: TEST_METADATA, extraMetadata });
  } finally {
    for (const l of layers) tf.dispose([l.weight, l.bias]);
  }
}
