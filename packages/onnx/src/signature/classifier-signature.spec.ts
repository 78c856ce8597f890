import { GraphBuilder } from '../builder/graph-builder';
import type { Shape } from '../builder/value';
import type { DType } from '../proto/data-type';
import { checkClassifierSignature } from './classifier-signature';

function model(input: { name: string; dtype: DType; shape: Shape }, outputs: { name: string; shape: Shape }[]): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input(input.name, input.dtype, input.shape);
  const f = input.dtype === 'float32' ? x : g.cast(x, 'float32');
  for (const o of outputs) {
    const w = g.initializer(`${o.name}/w`, new Float32Array(Number(input.shape[1]) * Number(o.shape[1])), [Number(input.shape[1]), Number(o.shape[1])]);
    g.output(g.matMul(f, w, `${o.name}/matmul`), o.name);
  }
  return g.toBytes();
}

describe('checkClassifierSignature', () => {
  it('accepts the signature with extra outputs (spike_counts) and any batch symbol', () => {
    const bytes = model({ name: 'pixels', dtype: 'float32', shape: ['N', 784] }, [
      { name: 'probabilities', shape: ['N', 10] },
      { name: 'spike_counts', shape: ['N', 5] },
    ]);
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: ['spike_counts'] });
  });

  it('says exactly what differs: name, dtype, shape, fixed batch', () => {
    expect(checkClassifierSignature(model({ name: 'input', dtype: 'float32', shape: ['batch', 784] }, [{ name: 'probabilities', shape: ['batch', 10] }])).problems).toEqual([
      "input 'pixels' is missing; inputs are 'input' (float32 [batch, 784])",
      "unexpected input 'input' (float32 [batch, 784]): the signature has only 'pixels'",
    ]);
    expect(checkClassifierSignature(model({ name: 'pixels', dtype: 'int64', shape: ['batch', 784] }, [{ name: 'logits', shape: ['batch', 10] }])).problems).toEqual([
      "input 'pixels': dtype is int64, expected float32",
      "output 'probabilities' is missing; outputs are 'logits' (float32 [batch, 10])",
    ]);
    expect(checkClassifierSignature(model({ name: 'pixels', dtype: 'float32', shape: [1, 28] }, [{ name: 'probabilities', shape: [1, 9] }])).problems).toEqual([
      "input 'pixels': batch dimension is fixed at 1, expected a symbolic batch dimension",
      "input 'pixels': shape is [1, 28], expected [batch, 784]",
      "output 'probabilities': batch dimension is fixed at 1, expected a symbolic batch dimension",
      "output 'probabilities': shape is [1, 9], expected [batch, 10]",
    ]);
  });
});
