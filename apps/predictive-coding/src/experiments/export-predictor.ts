import * as fs from 'node:fs';
import type { ImageSet } from '@cristal/datasets';
import { accuracy, assessPredictive, matrix } from '@cristal/metrics';
import { OnnxClassifier } from '@cristal/onnx';
import type { RunContext } from '@cristal/runner';
import { tf, type Tensor3D } from '@cristal/tensor';
import { exportPcPredictor } from '../onnx';
import { outputProbabilities, type PcArchitecture, type PcOutput, type PcParams, type PcParamValues } from '../pc';

/** Test accuracy of an exported file through onnxruntime-node only. */
export async function onnxAccuracy(file: string, test: ImageSet): Promise<number> {
  if (!fs.existsSync(file)) throw new Error(`${file} was not written.`);
  const classifier = await OnnxClassifier.load(file, { batchSize: 1000 });
  try {
    const pixels = Float32Array.from(test.images.subarray(0, test.count * 784), (v) => v / 255);
    return accuracy(matrix(await classifier.predict(pixels, test.count), test.count, 10), test.labels.subarray(0, test.count));
  } finally {
    await classifier.dispose();
  }
}

function paramsFrom(values: PcParamValues, architecture: PcArchitecture): PcParams {
  const s = architecture.sizes;
  return { weights: values.weights.map((w, l) => tf.tensor2d(w, [s[l], s[l + 1]])), biases: values.biases.map((b) => tf.tensor1d(b)) };
}

/**
 * Writes `<name>.onnx` (the feedforward predictor with the shared classifier signature, stamped with
 * the run's provenance) and returns the test accuracy of the same weights through onnxruntime-node
 * and through TF.js (the two must agree: the file is the model).
 */
export async function exportPointPredictor(
  ctx: RunContext<unknown>,
  weights: PcParamValues,
  architecture: PcArchitecture,
  output: PcOutput,
  name: string,
  test: ImageSet,
  testMetrics: Record<string, number> = {},
): Promise<{ onnx: number; tfjs: number }> {
  const params = paramsFrom(weights, architecture);
  try {
    const file = `${name}.onnx`;
    const bytes = exportPcPredictor(params, architecture, { output, metadata: { ...ctx.provenance, modelFamily: `pc-mlp-${name}`, testMetrics } });
    const artifact = ctx.artifacts.write(file, bytes);
    ctx.log.info(`exported ${file} (${artifact.bytes} bytes, sha256 ${artifact.sha256.slice(0, 12)})`);
    const tfjs = assessPredictive((x) => tf.expandDims(outputProbabilities(params, architecture, x), 0) as Tensor3D, test).accuracy;
    return { onnx: await onnxAccuracy(ctx.artifacts.path(file), test), tfjs };
  } finally {
    tf.dispose([...params.weights, ...params.biases]);
  }
}
