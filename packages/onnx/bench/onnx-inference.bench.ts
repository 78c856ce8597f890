// Inference speed of an exported dense MLP 784-400-400-10 (ReLU, softmax): onnxruntime-node through
// OnnxClassifier against TF.js-node `model.predict` on the same weights, in one invocation. Both are
// timed until the probabilities are in a JavaScript Float32Array. Prints JSON.
//   npx nx run onnx:bench            (args: reps for batch 1, reps for batch 256; default 300 60)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, backendInfo, RandomStreams, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, exportDenseMlpToFile, verifyParity, type DenseLayer } from '../src/index';

const args = process.argv.slice(2);
const repsLatency = Number(args[0] ?? 300);
const repsThroughput = Number(args[1] ?? 60);
const sizes = [784, 400, 400, 10];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function time(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, reps); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

async function main() {
  const rng = new RandomStreams(0);
  const layers: DenseLayer[] = sizes.slice(1).map((out, i) => {
    const bound = 1 / Math.sqrt(sizes[i]);
    return { weight: rng.init.uniformTensor([sizes[i], out], -bound, bound), bias: rng.init.uniformTensor([out], -bound, bound), activation: i < 2 ? 'relu' : 'none' };
  });
  const model = tf.sequential({
    layers: layers.map((_, i) => tf.layers.dense({ units: sizes[i + 1], inputShape: i === 0 ? [784] : undefined, activation: i < 2 ? 'relu' : 'softmax' })),
  });
  model.setWeights(layers.flatMap((l) => [l.weight, l.bias]));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-bench-'));
  const file = path.join(dir, 'mlp.onnx');
  exportDenseMlpToFile(file, layers, {
    metadata: { project: 'bench', experiment: 'onnx-inference', runId: '-', gitCommit: '-', configHash: '-', modelFamily: 'dense-mlp', testMetrics: {} },
  });
  const x256 = rng.data.uniformTensor([256, 784]);
  const x1 = tf.slice(x256, [0, 0], [1, 784]);
  const px256 = x256.dataSync() as Float32Array;
  const px1 = px256.slice(0, 784);
  const parity = await verifyParity((x) => model.predict(x) as Tensor, file, x256);

  const classifier = await OnnxClassifier.load(file);
  const tfjsPredict = (x: Tensor) => {
    const y = model.predict(x) as Tensor;
    const data = y.dataSync();
    y.dispose();
    return data;
  };
  const ort1 = await time(repsLatency, () => classifier.predict(px1, 1));
  const tfjs1 = await time(repsLatency, () => tfjsPredict(x1));
  const ort256 = await time(repsThroughput, () => classifier.predict(px256, 256));
  const tfjs256 = await time(repsThroughput, () => tfjsPredict(x256));
  await classifier.dispose();
  fs.rmSync(dir, { recursive: true, force: true });

  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  console.log(
    JSON.stringify(
      {
        benchmark: 'onnx-inference',
        workload: 'dense MLP 784-400-400-10, ReLU, softmax; probabilities copied back to a Float32Array',
        statistic: 'median over repetitions (after 20 warm-up calls)',
        repetitions: { batch1: repsLatency, batch256: repsThroughput },
        parity: { pass: parity.pass, maxAbsDiff: parity.maxAbsDiff, maxRelDiff: parity.maxRelDiff },
        batch1LatencyMs: { onnxruntime: ort1, tfjs: tfjs1, tfjsOverOnnxruntime: tfjs1 / ort1 },
        batch256: {
          medianMs: { onnxruntime: ort256, tfjs: tfjs256 },
          samplesPerSecond: { onnxruntime: 256 / (ort256 / 1e3), tfjs: 256 / (tfjs256 / 1e3) },
          onnxruntimeOverTfjs: tfjs256 / ort256,
        },
        versions: { onnxruntimeNode: ortVersion, opset: classifier.metadata.opset, irVersion: classifier.metadata.irVersion },
        backend: backendInfo(),
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      },
      null,
      2,
    ),
  );
  tf.dispose([x1, x256, ...layers.flatMap((l) => [l.weight, l.bias])]);
  model.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
