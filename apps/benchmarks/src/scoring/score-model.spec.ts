import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphBuilder } from '@cristal/onnx';
import { classMeanModel, classMeanWeights } from '../leaderboard/leaderboard.test-helpers';
import { benchmarkData } from './benchmark-data';
import { scoreModel, SignatureMismatchError } from './score-model';

jest.setTimeout(120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'score-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const data = benchmarkData({ limit: 400, rotations: [0, 90] });
const speed = { latencyRuns: 5, throughputBatch: 64, throughputRuns: 2, warmup: 1 };

/** The same model's probabilities in float64, by hand. */
function probabilities(w: Float32Array, b: Float32Array, pixels: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count * 10);
  for (let i = 0; i < count; i++) {
    const z = Float64Array.from(b);
    for (let p = 0; p < 784; p++) {
      const x = pixels[i * 784 + p];
      if (x !== 0) for (let c = 0; c < 10; c++) z[c] += x * w[p * 10 + c];
    }
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 10; c++) out[i * 10 + c] = e[c] / s;
  }
  return out;
}

describe('scoreModel', () => {
  const { w, b } = classMeanWeights();
  const file = path.join(dir, 'mean.onnx');
  fs.writeFileSync(file, classMeanModel());

  it('scores a file through onnxruntime exactly as its weights predict, with its cost', async () => {
    const score = await scoreModel({ id: 'mean', label: 'class means', project: 'test', source: 'r1', file, onnxFile: 'mean.onnx' }, data, { speed });
    const p = probabilities(w, b, data.test.pixels, data.test.count);
    let right = 0;
    for (let i = 0; i < data.test.count; i++) {
      const row = Array.from(p.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === data.test.labels[i]) right++;
    }
    expect(score.test.accuracy).toBeCloseTo(right / data.test.count, 10);
    expect(score.test.accuracy).toBeGreaterThan(0.7);
    // a quarter turn ruins a template matcher; Fashion-MNIST looks less like digits than digits do
    expect(score.rotation.map((r) => r.degrees)).toEqual([0, 90]);
    expect(score.rotation[0].accuracy).toBe(score.test.accuracy);
    expect(score.rotation[1].accuracy).toBeLessThan(score.test.accuracy - 0.3);
    expect(score.oodAuroc).toBeGreaterThan(0.5);
    expect(score.cost).toMatchObject({ parameters: 7850, macsPerSample: 7840, sopsPerSample: null, macsSource: 'graph' });
    expect(score.cost.energyNanojoulesPerSample).toBeCloseTo((7840 * 4.6) / 1000, 9);
    expect(score.family).toBe('dense-mlp');
    expect(score.spiking).toBe(false);
    expect(score.speed.latencyMs).toBeGreaterThan(0);
    expect(score.speed.throughputBatch).toBe(64);
    expect(score).not.toHaveProperty('file');
  });

  it('still scores a model whose operations cannot be counted, saying why (a spiking output without its cost metadata)', async () => {
    const g = new GraphBuilder({ name: 'spiky' });
    const x = g.input('pixels', 'float32', ['batch', 784]);
    const wv = g.initializer('w', w, [784, 10]);
    const bv = g.initializer('b', b, [10]);
    g.output(g.scope('output', () => g.softmax(g.gemm(x, wv, bv), -1)), 'probabilities');
    const half = g.initializer('half', new Float32Array([0.5]), []);
    g.output(g.scope('spikes', () => g.reduceSum(g.cast(g.greater(x, half), 'float32'), [1], true)), 'spike_counts');
    const spiky = path.join(dir, 'spiky.onnx');
    fs.writeFileSync(spiky, g.toBytes());
    const score = await scoreModel({ id: 'spiky', label: 'spiky', project: 'external', source: spiky, file: spiky, onnxFile: 'spiky.onnx' }, data, { speed });
    expect(score.spiking).toBe(true);
    expect(score.test.accuracy).toBeGreaterThan(0.7);
    expect(score.cost).toMatchObject({ parameters: 7851, macsPerSample: null, sopsPerSample: null, energyNanojoulesPerSample: null, macsSource: null });
    expect(score.cost.unavailable).toMatch(/lacks 'spike_fanout'.*and 'macs_per_sample'/);
  });

  it('refuses a file without the shared signature, naming what differs and what is expected', async () => {
    const g = new GraphBuilder({ name: 'wrong' });
    const x = g.input('image', 'float32', ['batch', 28, 28]);
    g.output(g.scope('out', () => g.reshape(x, [-1, 784])), 'logits');
    const wrong = path.join(dir, 'wrong.onnx');
    fs.writeFileSync(wrong, g.toBytes());
    const attempt = scoreModel({ id: 'wrong', label: 'wrong', project: 'external', source: wrong, file: wrong, onnxFile: 'wrong.onnx' }, data, { speed });
    await expect(attempt).rejects.toThrow(SignatureMismatchError);
    await expect(attempt).rejects.toThrow(/wrong\.onnx does not have the shared classifier signature:\n {2}- input 'pixels' is missing; inputs are 'image' \(float32 \[batch, 28, 28\]\)/);
    await expect(attempt).rejects.toThrow(/output 'probabilities' is missing; outputs are 'logits'/);
    await expect(attempt).rejects.toThrow(/expected: input 'pixels' float32 \[batch, 784\]/);
  });
});
