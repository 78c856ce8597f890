import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadMnist } from '@cristal/datasets';
import { exportDenseMlp } from '@cristal/onnx';
import { defineExperiment } from '@cristal/runner';
import { tf } from '@cristal/tensor';
import { z } from 'zod';

/**
 * The nearest-class-mean classifier of the first `examples` training images as a softmax
 * regression, z_c = x . mu_c - |mu_c|^2 / 2 (about 80% right): a real, cheap model to score.
 */
export function classMeanWeights(examples = 2000): { w: Float32Array; b: Float32Array } {
  const train = loadMnist().train;
  const w = new Float32Array(784 * 10);
  const n = new Float64Array(10);
  for (let i = 0; i < examples; i++) {
    n[train.labels[i]]++;
    for (let p = 0; p < 784; p++) w[p * 10 + train.labels[i]] += train.images[i * 784 + p] / 255;
  }
  const b = new Float32Array(10);
  for (let p = 0; p < 784; p++)
    for (let c = 0; c < 10; c++) {
      w[p * 10 + c] /= n[c];
      b[c] -= (w[p * 10 + c] * w[p * 10 + c]) / 2;
    }
  return { w, b };
}

/** The class-mean classifier exported with the shared signature. */
export function classMeanModel(examples = 2000): Uint8Array {
  const { w, b } = classMeanWeights(examples);
  return tf.tidy(() =>
    exportDenseMlp([{ weight: tf.tensor2d(w, [784, 10]), bias: tf.tensor1d(b), activation: 'none' }], {
      metadata: { project: 'toy', experiment: 'class-means', runId: 'toy', gitCommit: 'none', configHash: 'none', modelFamily: 'dense-mlp', testMetrics: {} },
    }),
  );
}

/** A file of the class-mean model in a fresh temporary directory. */
export function classMeanFile(name = 'class-means.onnx'): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaderboard-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, classMeanModel());
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A stand-in project for the training path: `toy:class-means` trains nothing and exports the
 * class-mean model (from `examples` images, so seeds and settings show in the file), or fails,
 * or forgets its file, as told.
 */
export const toyExperiments = [
  defineExperiment({
    name: 'class-means',
    description: 'tests only',
    schema: z.object({
      examples: z.number().int().default(2000).describe('Training images averaged into the class means.'),
      fail: z.boolean().default(false).describe('Throw instead of training.'),
      exportOnnx: z.boolean().default(true).describe('Write model.onnx.'),
    }),
    profiles: { quick: { examples: 500 }, full: { examples: 2000 } },
    run: async (ctx) => {
      if (ctx.config.fail) throw new Error('toy failure\nsecond line');
      if (ctx.config.exportOnnx) ctx.artifacts.write('model.onnx', classMeanModel(ctx.config.examples));
      return { examples: ctx.config.examples, seed: ctx.seed };
    },
  }),
];
