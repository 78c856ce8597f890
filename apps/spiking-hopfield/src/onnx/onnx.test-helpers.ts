import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@cristal/tensor';
import { OnnxClassifier, verifyParity, DEFAULT_PARITY_TOLERANCE, type ParityReport } from '@cristal/onnx';
import type { HopfieldExportOptions } from './export-options';

export const TEST_EXPORT_OPTIONS: HopfieldExportOptions = {
  metadata: {
    project: 'spiking-hopfield',
    experiment: 'onnx-parity',
    runId: 'run-0001',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    configHash: 'sha256:abc',
    testMetrics: { accuracy: 0.9, ece: 0.05 },
  },
};

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** verifyParity with the lab tolerance (atol 1e-5 + rtol 1e-4), printing the differences. */
export async function parity(label: string, predict: (pixels: Tensor) => Tensor, file: string, inputs: Tensor): Promise<ParityReport> {
  const report = await verifyParity(predict, file, inputs, { classifier: { batchSize: 128 } });
  console.log(`[onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
  return report;
}

/** Compares an extra output of the file with the TF.js tensor element-wise under the same tolerance. */
export async function extraOutputParity(file: string, inputs: Tensor, name: string, expected: Tensor): Promise<{ maxAbsDiff: number; maxRelDiff: number; violations: number; dims: number[] }> {
  const classifier = await OnnxClassifier.load(file, { batchSize: 128 });
  try {
    const { extras } = await classifier.predictAll(inputs.dataSync() as Float32Array, inputs.shape[0] as number);
    const actual = extras[name];
    if (!actual) throw new Error(`the model has no output '${name}'`);
    const reference = expected.dataSync();
    const { atol, rtol } = DEFAULT_PARITY_TOLERANCE;
    let maxAbsDiff = 0;
    let maxRelDiff = 0;
    let violations = 0;
    for (let i = 0; i < reference.length; i++) {
      const d = Math.abs(Number(actual.data[i]) - reference[i]);
      if (!(d <= atol + rtol * Math.abs(reference[i]))) violations++;
      maxAbsDiff = Math.max(maxAbsDiff, d);
      if (reference[i] !== 0) maxRelDiff = Math.max(maxRelDiff, d / Math.abs(reference[i]));
    }
    if (actual.data.length !== reference.length) violations = Infinity;
    return { maxAbsDiff, maxRelDiff, violations, dims: actual.dims };
  } finally {
    await classifier.dispose();
  }
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

