import * as fs from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { OnnxModelError } from './onnx-error';

/** Serialises a model. Field order follows the schema, so equal messages give equal bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

/**
 * Parses model bytes and checks the minimum that makes them an ONNX model (an IR version, a graph,
 * an opset). Protobuf alone accepts many byte strings (an empty file is a valid empty message), so
 * "it parsed" is not enough to tell an ONNX file from a foreign one.
 */
export function decodeModel(bytes: Uint8Array, source = '<bytes>'): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new OnnxModelError(source, [`not a valid ONNX protobuf (${bytes.length} bytes; ${(e as Error).message}); truncated or not an ONNX file`]);
  }
  const problems: string[] = [];
  if (model.irVersion <= 0n) problems.push('no IR version (not an ONNX model)');
  if (!model.graph) problems.push('no graph');
  else if (model.graph.node.length === 0 && model.graph.output.length === 0) problems.push('the graph is empty');
  if (!model.opsetImport.some((o) => o.domain === '' || o.domain === 'ai.onnx')) problems.push('no default-domain opset import');
  if (problems.length > 0) throw new OnnxModelError(source, problems);
  return model;
}

/** Reads and decodes a model file; a missing or unreadable file is an `OnnxModelError` too. */
export function readModelFile(file: string): { model: ModelProto; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new OnnxModelError(file, [`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  return { model: decodeModel(bytes, file), bytes };
}

/** Bytes, a path, or an already decoded model: what the signature check and the classifier accept. */
export type ModelSource = Uint8Array | string | ModelProto;

export function resolveModel(source: ModelSource): { model: ModelProto; name: string; bytes: Uint8Array } {
  if (typeof source === 'string') return { ...readModelFile(source), name: source };
  if (source instanceof Uint8Array) return { model: decodeModel(source), name: '<bytes>', bytes: source };
  return { model: source, name: '<model>', bytes: encodeModel(source) };
}

/** Writes through a temporary file and a rename, so a reader never sees half a model. */
export function writeModelFile(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}
