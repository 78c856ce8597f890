import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { GraphBuilder } from '../builder/graph-builder';
import { exportDenseMlp } from '../exporters/dense-mlp';
import { TEST_METADATA, randomMlp, tfjsMlp } from '../exporters/mlp.test-helpers';
import { OnnxModelError } from '../proto/onnx-error';
import { classifierMetadataProps } from '../signature/classifier-metadata';
import { OnnxClassifier } from './onnx-classifier';

describe('OnnxClassifier', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-classifier-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const layers = randomMlp(11, [784, 24, 10], ['tanh', 'none']);
  const good = path.join(dir, 'good.onnx');
  fs.writeFileSync(good, exportDenseMlp(layers, { metadata: TEST_METADATA }));
  afterAll(() => tf.dispose(layers.flatMap((l) => [l.weight, l.bias])));

  async function loadError(file: string): Promise<OnnxModelError> {
    const e = await OnnxClassifier.load(file).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(OnnxModelError);
    return e as OnnxModelError;
  }

  it('predicts in batches the same probabilities as one pass, rows summing to 1', async () => {
    const pixels = new RandomStreams(2).data.uniformTensor([70, 784]);
    const data = pixels.dataSync() as Float32Array;
    const small = await OnnxClassifier.load(good, { batchSize: 16, intraOpThreads: 1, interOpThreads: 1 });
    const whole = await OnnxClassifier.load(good);
    const a = await small.predict(data, 70);
    const b = await whole.predict(data, 70);
    expect(a.length).toBe(700);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let r = 0; r < 70; r++) expect(a.subarray(r * 10, r * 10 + 10).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    const reference = tfjsMlp(layers)(pixels);
    expect(Math.max(...Array.from(reference.dataSync(), (v, i) => Math.abs(v - a[i])))).toBeLessThan(1e-5);
    await expect(small.predict(data, 71)).rejects.toThrow(`${good}: pixels has 54880 values, expected n x 784 = 55664`);
    tf.dispose([pixels, reference]);
    await Promise.all([small.dispose(), whole.dispose()]);
  });

  it('returns extra outputs concatenated over batches', async () => {
    const g = new GraphBuilder();
    const x = g.input('pixels', 'float32', ['batch', 784]);
    const w = g.initializer('w', new Float32Array(7840).fill(0.001), [784, 10]);
    g.output(g.softmax(g.matMul(x, w)), 'probabilities');
    g.output(g.reduceSum(x, [1], true, 'spikes/sum'), 'spike_counts');
    const file = path.join(dir, 'extras.onnx');
    fs.writeFileSync(file, g.toBytes({ metadata: classifierMetadataProps(TEST_METADATA) }));
    const c = await OnnxClassifier.load(file, { batchSize: 2 });
    const out = await c.predictAll(new Float32Array(5 * 784).fill(0.5), 5);
    expect(out.extras.spike_counts.dims).toEqual([5, 1]);
    expect(Array.from(out.extras.spike_counts.data as Float32Array)).toEqual([392, 392, 392, 392, 392]);
    expect(Array.from(out.probabilities.subarray(0, 2))).toEqual([0.1, 0.1].map(Math.fround));
    await c.dispose();
  });

  it('says a truncated file is not a valid ONNX protobuf, naming the file', async () => {
    const file = path.join(dir, 'truncated.onnx');
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const e = await loadError(file);
    expect(e.message).toMatch(new RegExp(`^${file}: not a valid ONNX protobuf \\(\\d+ bytes; .+\\); truncated or not an ONNX file$`));
  });

  it('says a foreign file is not ONNX, naming the file', async () => {
    const text = path.join(dir, 'notes.onnx');
    fs.writeFileSync(text, 'this is a README, not a model\n');
    expect((await loadError(text)).message).toMatch(new RegExp(`^${text}: (not a valid ONNX protobuf|no IR version)`));
    const json = path.join(dir, 'model.json');
    fs.writeFileSync(json, JSON.stringify({ format: 'layers-model', weights: [1, 2, 3] }));
    expect((await loadError(json)).message.startsWith(`${json}: `)).toBe(true);
    const empty = path.join(dir, 'empty.onnx');
    fs.writeFileSync(empty, '');
    expect((await loadError(empty)).message).toBe(`${empty}: no IR version (not an ONNX model); no graph; no default-domain opset import`);
    expect((await loadError(path.join(dir, 'missing.onnx'))).message).toBe(`${path.join(dir, 'missing.onnx')}: cannot read (ENOENT)`);
  });

  it('rejects a model with the wrong signature, listing every difference', async () => {
    const g = new GraphBuilder();
    const x = g.input('image', 'float32', ['batch', 784]);
    g.output(g.matMul(x, g.initializer('w', new Float32Array(7840), [784, 10])), 'logits');
    const file = path.join(dir, 'wrong.onnx');
    fs.writeFileSync(file, g.toBytes());
    expect((await loadError(file)).message).toBe(
      `${file}: does not have the classifier signature; input 'pixels' is missing; inputs are 'image' (float32 [batch, 784]); ` +
        `unexpected input 'image' (float32 [batch, 784]): the signature has only 'pixels'; output 'probabilities' is missing; outputs are 'logits' (float32 [batch, 10])`,
    );
  });

  it('round-trips the metadata through the file', async () => {
    const c = await OnnxClassifier.load(good);
    expect(c.metadata.classifier).toEqual(TEST_METADATA);
    expect(c.metadata.props.test_metrics).toBe('{"accuracy":0.9812,"ece":0.0123}');
    expect(c.outputNames).toEqual(['probabilities']);
    await c.dispose();
  });
});
