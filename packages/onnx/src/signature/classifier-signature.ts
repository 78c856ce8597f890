import { TensorProto_DataType, type ModelProto, type ValueInfoProto } from 'onnx-buf';
import { dataTypeName } from '../proto/data-type';
import { type ModelSource, resolveModel } from '../proto/model-io';
import { OnnxModelError } from '../proto/onnx-error';

/**
 * The one signature every project's classifier is scored through: flattened MNIST-like images in,
 * class probabilities out, any batch size.
 */
export const CLASSIFIER_SIGNATURE = {
  input: { name: 'pixels', dtype: 'float32', shape: ['batch', 784] },
  output: { name: 'probabilities', dtype: 'float32', shape: ['batch', 10] },
} as const;

export const PIXELS = CLASSIFIER_SIGNATURE.input.name;
export const PROBABILITIES = CLASSIFIER_SIGNATURE.output.name;
export const INPUT_SIZE = 784;
export const NUM_CLASSES = 10;

export interface SignatureCheck {
  ok: boolean;
  /** One line per difference, e.g. `input 'pixels': dtype is float64, expected float32`. */
  problems: string[];
  /** Outputs beyond `probabilities` (allowed), e.g. `spike_counts`. */
  extraOutputs: string[];
}

interface TensorInfo {
  dtype: string;
  shape: (number | string)[] | null;
}

function describe(v: ValueInfoProto): TensorInfo {
  if (v.type?.value.case !== 'tensorType') return { dtype: v.type?.value.case ?? 'untyped', shape: null };
  const t = v.type.value.value;
  const shape = t.shape ? t.shape.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : '?')) : null;
  return { dtype: dataTypeName(t.elemType), shape };
}

function formatInfo(name: string, info: TensorInfo): string {
  return `'${name}' (${info.dtype} ${info.shape ? `[${info.shape.join(', ')}]` : 'unknown shape'})`;
}

function checkTensor(kind: 'input' | 'output', v: ValueInfoProto, size: number): string[] {
  const info = describe(v);
  const problems: string[] = [];
  const label = `${kind} '${v.name}'`;
  if (v.type?.value.case !== 'tensorType') return [`${label}: is a ${info.dtype}, expected a float32 tensor`];
  if (v.type.value.value.elemType !== TensorProto_DataType.FLOAT) problems.push(`${label}: dtype is ${info.dtype}, expected float32`);
  const shape = info.shape;
  if (!shape) problems.push(`${label}: shape is unknown, expected [batch, ${size}]`);
  else if (shape.length !== 2) problems.push(`${label}: shape is [${shape.join(', ')}] (rank ${shape.length}), expected [batch, ${size}]`);
  else {
    // A fixed batch would make the file unusable for other batch sizes; a symbol of any name is fine.
    if (typeof shape[0] === 'number') problems.push(`${label}: batch dimension is fixed at ${shape[0]}, expected a symbolic batch dimension`);
    if (shape[1] !== size) problems.push(`${label}: shape is [${shape.join(', ')}], expected [batch, ${size}]`);
  }
  return problems;
}

/** Checks a decoded model against the classifier signature. */
export function checkModelSignature(model: ModelProto): SignatureCheck {
  const graph = model.graph;
  if (!graph) return { ok: false, problems: ['no graph'], extraOutputs: [] };
  // Older exporters (PyTorch with keep_initializers_as_inputs) list weights as inputs too.
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !initializers.has(i.name));
  const problems: string[] = [];
  const pixels = inputs.find((i) => i.name === PIXELS);
  if (!pixels) problems.push(`input '${PIXELS}' is missing; inputs are ${inputs.map((i) => formatInfo(i.name, describe(i))).join(', ') || 'none'}`);
  else problems.push(...checkTensor('input', pixels, INPUT_SIZE));
  for (const extra of inputs.filter((i) => i.name !== PIXELS)) {
    problems.push(`unexpected input ${formatInfo(extra.name, describe(extra))}: the signature has only '${PIXELS}'`);
  }
  const probabilities = graph.output.find((o) => o.name === PROBABILITIES);
  if (!probabilities) problems.push(`output '${PROBABILITIES}' is missing; outputs are ${graph.output.map((o) => formatInfo(o.name, describe(o))).join(', ') || 'none'}`);
  else problems.push(...checkTensor('output', probabilities, NUM_CLASSES));
  return { ok: problems.length === 0, problems, extraOutputs: graph.output.filter((o) => o.name !== PROBABILITIES).map((o) => o.name) };
}

/**
 * Checks model bytes or a file against the shared signature and says exactly what differs (name,
 * dtype, shape). A file that is not ONNX at all throws `OnnxModelError` instead.
 */
export function checkClassifierSignature(source: ModelSource): SignatureCheck {
  return checkModelSignature(resolveModel(source).model);
}

/** Throws `OnnxModelError` naming the file and listing every difference when the signature is wrong. */
export function assertClassifierSignature(model: ModelProto, source: string): void {
  const check = checkModelSignature(model);
  if (!check.ok) throw new OnnxModelError(source, ['does not have the classifier signature', ...check.problems]);
}
