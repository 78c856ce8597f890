import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { OnnxClassifier } from '@cristal/onnx';
import type { ResetMode } from '../kernels/lif-kernel';
import {
  closedFormMembraneReadout,
  constantCurrentSpec,
  expectedCounts,
  RESTARTING_NEURONS,
  softmax64,
  SUBTRACT_NEURONS,
} from '../networks/lif-closed-form.test-helpers';
import type { SpikingMlpSpec, SpikingReadout } from '../networks/spiking-mlp-spec';
import { specTensors } from '../networks/spiking-mlp.test-helpers';
import { SPIKE_COUNTS, exportSpikingMlpToFile } from './spiking-mlp-exporter';
import { SPIKING_TEST_METADATA } from './spiking-mlp.test-helpers';

const ROWS = 3;

/** The exported model run by onnxruntime on random pixels (which the zero weights ignore). */
async function runExported(dir: string, spec: SpikingMlpSpec): Promise<{ probabilities: number[][]; spikeCounts: number[] }> {
  const file = path.join(dir, 'closed-form.onnx');
  exportSpikingMlpToFile(file, spec, { metadata: SPIKING_TEST_METADATA });
  const classifier = await OnnxClassifier.load(file);
  const pixels = new RandomStreams(9).data.uniformTensor([ROWS, 784]);
  const out = await classifier.predictAll(pixels.dataSync() as Float32Array, ROWS);
  await classifier.dispose();
  tf.dispose([pixels, ...specTensors(spec)]);
  const p = Array.from(out.probabilities);
  return { probabilities: Array.from({ length: ROWS }, (_, i) => p.slice(i * 10, i * 10 + 10)), spikeCounts: Array.from(out.extras[SPIKE_COUNTS].data as Float32Array) };
}

/** Relative error per element: a count off by one changes a probability by a factor of e. */
function maxRelativeError(actual: readonly number[], expected: readonly number[]): number {
  return Math.max(...actual.map((a, k) => Math.abs(a - expected[k]) / expected[k]));
}

describe('exported spiking MLP under constant currents (closed forms)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-snn-closed-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each<[ResetMode, number]>([
    ['subtract', 1],
    ['subtract', 8],
    ['subtract', 25],
    ['zero', 8],
    ['zero', 25],
    ['none', 8],
    ['none', 25],
  ])('reset %s, T = %d: spike_counts and softmax(counts) equal the hand-computed counts', async (reset, T) => {
    const neurons = reset === 'subtract' ? SUBTRACT_NEURONS : RESTARTING_NEURONS;
    const counts = expectedCounts(neurons, reset, T);
    const total = counts.reduce((a, b) => a + b, 0);
    const out = await runExported(dir, constantCurrentSpec(neurons, reset, T, 'spike-count'));
    expect(out.spikeCounts).toEqual(Array(ROWS).fill(total));
    const expected = softmax64(counts);
    for (const row of out.probabilities) expect(maxRelativeError(row, expected)).toBeLessThan(1e-5);
  });

  it('distinguishes every count: the T = 25 expectations are not all equal', () => {
    expect(new Set(expectedCounts(SUBTRACT_NEURONS, 'subtract', 25)).size).toBeGreaterThanOrEqual(6);
    expect(expectedCounts(SUBTRACT_NEURONS, 'subtract', 25)).toEqual([9, 6, 15, 24, 12, 25, 0, 0, 0, 0]);
    expect(expectedCounts(RESTARTING_NEURONS, 'zero', 25)).toEqual([12, 8, 5, 8, 6, 1, 25, 0, 0, 1]);
    expect(expectedCounts(RESTARTING_NEURONS, 'none', 25)).toEqual([24, 23, 21, 23, 22, 12, 25, 0, 0, 12]);
  });

  it.each<[Exclude<SpikingReadout, 'spike-count'>, number]>([
    ['mean-membrane', 1],
    ['mean-membrane', 25],
    ['max-membrane', 1],
    ['max-membrane', 25],
  ])('%s without reset, T = %d: probabilities are the softmax of the closed-form membrane', async (readout, T) => {
    const logits = RESTARTING_NEURONS.map((n) => closedFormMembraneReadout(n, readout, T));
    const out = await runExported(dir, constantCurrentSpec(RESTARTING_NEURONS, 'none', T, readout));
    const expected = softmax64(logits);
    for (const row of out.probabilities) expect(maxRelativeError(row, expected)).toBeLessThan(1e-4);
  });
});
