import * as fs from 'node:fs';
import type { ImageSet } from '@cristal/datasets';
import { accuracy, type Assessment, assessPredictive, matrix } from '@cristal/metrics';
import { OnnxClassifier } from '@cristal/onnx';
import type { RunContext } from '@cristal/runner';
import type { MethodConfig } from '../methods/method-config';
import { trainMethod } from '../methods/train-method';
import type { MethodData, TrainedModel } from '../methods/trained-model';

/** Test accuracy of the exported file through onnxruntime-node only. */
async function onnxAccuracy(file: string, test: ImageSet): Promise<number> {
  const classifier = await OnnxClassifier.load(file, { batchSize: 1000 });
  try {
    const pixels = Float32Array.from(test.images.subarray(0, test.count * 784), (v) => v / 255);
    return accuracy(matrix(await classifier.predict(pixels, test.count), test.count, 10), test.labels.subarray(0, test.count));
  } finally {
    await classifier.dispose();
  }
}

export interface TrainedRun {
  model: TrainedModel;
  test: Assessment;
  /** Scalars for the run summary: test metrics, timing, ONNX accuracy, the method's extras. */
  summary: Record<string, number>;
}

/**
 * Trains the run's method, assesses it on the test set, exports model.onnx (Bayesian methods as a
 * K-sample ensemble) and scores the file with onnxruntime-node. The caller disposes `model`.
 */
export async function trainAndExport(ctx: RunContext<MethodConfig>, data: MethodData, options: { verifyOnnx: boolean }): Promise<TrainedRun> {
  const config = ctx.config;
  const model = await trainMethod({ ctx: ctx as RunContext<unknown>, config, data, random: ctx.random, seed: ctx.seed, resumable: config.method !== 'deep-ensemble' });
  try {
    const test = assessPredictive((x) => model.samples(x), data.test);
    const trainSeconds = model.fits.reduce((s, f) => s + f.trainSeconds, 0);
    const steps = model.fits.reduce((s, f) => s + f.steps, 0);
    const summary: Record<string, number> = {
      accuracy: test.accuracy,
      test_error: 1 - test.accuracy,
      nll: test.nll,
      ece: test.ece,
      brier: test.brier,
      parameters: model.parameterCount,
      train_seconds: trainSeconds,
      train_samples_per_second: (steps * config.batchSize) / Math.max(trainSeconds, 1e-9),
      ...model.extras,
    };
    const testMetrics = { accuracy: test.accuracy, nll: test.nll, ece: test.ece, brier: test.brier };
    const artifact = ctx.artifacts.write('model.onnx', model.exportOnnx({ ...ctx.provenance, modelFamily: `${config.architecture}-${config.method}`, testMetrics }));
    ctx.log.info(`exported model.onnx (${artifact.bytes} bytes, sha256 ${artifact.sha256.slice(0, 12)})`);
    if (options.verifyOnnx) {
      const file = ctx.artifacts.path('model.onnx');
      if (!fs.existsSync(file)) throw new Error(`model.onnx was not written to ${file}`);
      summary['onnx_accuracy'] = await onnxAccuracy(file, data.test);
    }
    return { model, test, summary };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
