// The lab integration of ONNX export, end to end: an experiment run by the runner exports its trained
// classifier into its run directory as `model.onnx`, the run record lists it with its sha256, and the
// file alone names the run that made it (metadata = the run's provenance) and predicts what the
// trained TF.js model predicts.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxClassifier, checkClassifierSignature, exportDenseMlp } from '@cristal/onnx';
import { ExperimentRegistry, RunStore, defineExperiment, prepareRun, startRun } from '@cristal/runner';
import { RandomStream, tf, type Scalar, type Tensor } from '@cristal/tensor';
import { z } from 'zod';

jest.setTimeout(60_000);

/** Fixed evaluation pixels, the same in the experiment and the test. */
function probePixels(): Tensor {
  const stream = new RandomStream(11, 'probe');
  return tf.tensor2d(Float32Array.from({ length: 64 * 784 }, () => stream.uniform()), [64, 784]);
}

const trainAndExport = defineExperiment({
  name: 'mlp-export',
  description: 'A small MLP fitted to a random teacher, exported to ONNX (test only).',
  schema: z.object({
    steps: z.number().int().min(1).default(20).describe('Adam steps on the whole set.'),
    hidden: z.number().int().min(1).default(16).describe('Hidden units.'),
  }),
  profiles: { quick: {}, full: {} },
  run: async (ctx) => {
    const { steps, hidden } = ctx.config;
    const w1 = tf.variable(ctx.random.init.normalTensor([784, hidden], 0, 0.05));
    const b1 = tf.variable(tf.zeros([hidden]));
    const w2 = tf.variable(ctx.random.init.normalTensor([hidden, 10], 0, 0.3));
    const b2 = tf.variable(tf.zeros([10]));
    const x = ctx.random.data.uniformTensor([128, 784]);
    const teacher = ctx.random.init.normalTensor([784, 10]);
    const y = tf.tidy(() => tf.oneHot(tf.argMax(tf.matMul(x, teacher), 1), 10));
    const optimizer = tf.train.adam(0.01);
    const forward = (input: Tensor) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1), b1)), w2), b2);
    for (let step = 1; step <= steps; step++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as Scalar, true);
      ctx.metrics.log('loss', loss!.dataSync()[0], { step });
      loss!.dispose();
    }
    const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(forward(x), 1), tf.argMax(y, 1)), 'float32')).dataSync()[0]);
    const bytes = exportDenseMlp(
      [
        { weight: w1, bias: b1, activation: 'relu' },
        { weight: w2, bias: b2, activation: 'none' },
      ],
      { metadata: { ...ctx.provenance, modelFamily: 'mlp', testMetrics: { accuracy } } },
    );
    ctx.artifacts.write('model.onnx', bytes);
    const probe = probePixels();
    ctx.artifacts.write('probe-probabilities.json', JSON.stringify(tf.tidy(() => Array.from(tf.softmax(forward(probe)).dataSync()))));
    tf.dispose([w1, b1, w2, b2, x, teacher, y, probe]);
    optimizer.dispose();
    return { accuracy };
  },
});

describe('lab run → model.onnx', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-export-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('records model.onnx with its sha256, stamped with the run provenance, predicting as the trained model', async () => {
    const store = RunStore.open(home);
    const registry = new ExperimentRegistry([{ project: 'export-test', load: () => [trainAndExport] }]);
    const prepared = prepareRun(registry, { qualified: 'export-test:mlp-export', seed: 5 });
    const record = await startRun(store, prepared, { command: ['test'], workspaceRoot: path.resolve(__dirname, '../../../..') }, { echo: () => undefined, progress: { write: () => true, isTTY: false } as never });
    store.close();
    expect(record.status).toBe('finished');

    const file = path.join(record.runDir, 'model.onnx');
    const artifact = record.artifacts.find((a) => a.path === 'model.onnx');
    const bytes = fs.readFileSync(file);
    expect(artifact).toEqual({ path: 'model.onnx', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    expect(checkClassifierSignature(bytes).ok).toBe(true);

    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual({
      project: 'export-test',
      experiment: 'mlp-export',
      runId: record.id,
      gitCommit: `${record.git.commit ?? 'unknown'}${record.git.dirty ? '-dirty' : ''}`,
      configHash: record.configHash,
      modelFamily: 'mlp',
      testMetrics: { accuracy: record.summary?.['accuracy'] },
    });
    const probe = probePixels();
    const probabilities = await classifier.predict(probe.dataSync() as Float32Array, 64);
    const trained = JSON.parse(fs.readFileSync(path.join(record.runDir, 'probe-probabilities.json'), 'utf8')) as number[];
    const maxDiff = trained.reduce((m, v, i) => Math.max(m, Math.abs(v - probabilities[i])), 0);
    expect(maxDiff).toBeLessThan(1e-5);
    probe.dispose();
    await classifier.dispose();
  });
});
