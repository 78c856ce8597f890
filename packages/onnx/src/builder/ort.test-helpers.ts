import * as ort from 'onnxruntime-node';

type Feed = Float32Array | BigInt64Array | Uint8Array;

/** Runs model bytes in a real onnxruntime-node session; returns every output's data and dims. */
export async function runInOrt(bytes: Uint8Array, feeds: Record<string, { data: Feed; dims: number[] }>): Promise<Record<string, { data: ArrayLike<number | bigint | boolean>; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      const type = f.data instanceof Float32Array ? 'float32' : f.data instanceof BigInt64Array ? 'int64' : 'bool';
      inputs[name] = new ort.Tensor(type, f.data, f.dims);
    }
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as ArrayLike<number>, dims: t.dims }]));
  } finally {
    await session.release();
  }
}
