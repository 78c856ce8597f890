import type * as Ort from 'onnxruntime-node';
import { readModelFile } from '../proto/model-io';
import { OnnxModelError } from '../proto/onnx-error';
import { assertClassifierSignature, INPUT_SIZE, NUM_CLASSES, PIXELS, PROBABILITIES } from '../signature/classifier-signature';
import { type ModelMetadata, readModelMetadata } from '../signature/classifier-metadata';

export interface OnnxClassifierOptions {
  /** Threads inside one operator (onnxruntime's default: one per physical core). */
  intraOpThreads?: number;
  /** Threads across independent operators. */
  interOpThreads?: number;
  /** Rows per `session.run`; larger inputs are split so memory stays bounded (default 1024). */
  batchSize?: number;
}

export interface OutputTensor {
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
  /** The concrete dims of the whole result, batch first. */
  dims: number[];
}

export interface ClassifierOutputs {
  /** Row-major [n, 10]. */
  probabilities: Float32Array;
  /** Every other output (`spike_counts`, ...), concatenated over batches along the first axis. */
  extras: Record<string, OutputTensor>;
}

type Typed = OutputTensor['data'];

function concat(parts: Typed[]): Typed {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((s, p) => s + p.length, 0);
  const Ctor = parts[0].constructor as new (n: number) => Typed;
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p as Float32Array, offset);
    offset += p.length;
  }
  return out;
}

/**
 * onnxruntime-node is loaded on first use, not at import: model-family packages import this package
 * for the graph builder, and importing them must not start a native runtime nobody asked for.
 */
let runtime: typeof Ort | undefined;
function ort(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runtime ??= require('onnxruntime-node') as typeof Ort;
  return runtime;
}

/**
 * A classifier with the shared signature, run by onnxruntime-node. The file is parsed and its
 * signature checked before a session exists, so a foreign or broken file fails with a message about
 * the file rather than an onnxruntime status code.
 */
export class OnnxClassifier {
  private constructor(
    readonly path: string,
    readonly metadata: ModelMetadata,
    readonly outputNames: readonly string[],
    private readonly session: Ort.InferenceSession,
    private readonly batchSize: number,
  ) {}

  static async load(path: string, options: OnnxClassifierOptions = {}): Promise<OnnxClassifier> {
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const { model, bytes } = readModelFile(path);
    assertClassifierSignature(model, path);
    let session: Ort.InferenceSession;
    try {
      // onnxruntime rejects an explicit `undefined`: unset options must be absent
      const sessionOptions: Ort.InferenceSession.SessionOptions = {};
      if (options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpThreads;
      if (options.interOpThreads !== undefined) sessionOptions.interOpNumThreads = options.interOpThreads;
      session = await ort().InferenceSession.create(bytes, sessionOptions);
    } catch (e) {
      throw new OnnxModelError(path, [`onnxruntime cannot load it: ${(e as Error).message}`]);
    }
    return new OnnxClassifier(path, readModelMetadata(model), session.outputNames, session, batchSize);
  }

  /** Class probabilities, row-major [n, 10], for `pixels` row-major [n, 784] in [0, 1]. */
  async predict(pixels: Float32Array, n: number): Promise<Float32Array> {
    return (await this.run(pixels, n, [PROBABILITIES])).probabilities;
  }

  /** Probabilities and every extra output. */
  async predictAll(pixels: Float32Array, n: number): Promise<ClassifierOutputs> {
    return this.run(pixels, n, this.outputNames);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  private async run(pixels: Float32Array, n: number, names: readonly string[]): Promise<ClassifierOutputs> {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${this.path}: n must be a positive integer, got ${n}`);
    if (pixels.length !== n * INPUT_SIZE) throw new Error(`${this.path}: pixels has ${pixels.length} values, expected n x ${INPUT_SIZE} = ${n * INPUT_SIZE}`);
    const parts = new Map<string, { data: Typed[]; dims: number[] }>(names.map((k) => [k, { data: [], dims: [] }]));
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, n - start);
      const feed = { [PIXELS]: new (ort().Tensor)('float32', pixels.subarray(start * INPUT_SIZE, (start + rows) * INPUT_SIZE), [rows, INPUT_SIZE]) };
      const result = await this.session.run(feed, [...names]);
      for (const name of names) {
        const t = result[name];
        const part = parts.get(name);
        if (!part) continue;
        part.data.push(t.data as Typed);
        part.dims = [(part.dims[0] ?? 0) + (t.dims[0] ?? 0), ...t.dims.slice(1)];
      }
    }
    const probs = parts.get(PROBABILITIES);
    const extras: Record<string, OutputTensor> = {};
    for (const [name, part] of parts) if (name !== PROBABILITIES) extras[name] = { data: concat(part.data), dims: part.dims };
    const probabilities = probs ? (concat(probs.data) as Float32Array) : new Float32Array(0);
    if (probs && probabilities.length !== n * NUM_CLASSES) throw new Error(`${this.path}: '${PROBABILITIES}' has ${probabilities.length} values for ${n} rows, expected ${n * NUM_CLASSES}`);
    return { probabilities, extras };
  }
}
