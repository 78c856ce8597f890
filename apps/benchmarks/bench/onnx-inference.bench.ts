// Inference speed of exported models in onnxruntime-node against TF.js-node on the same weights, in
// one invocation: a dense MLP 784-400-400-10 (ReLU, softmax; TF.js `model.predict` of a tf.sequential)
// and the benchmark spiking network 784-1000-10 (two LIF layers, beta 0.95, threshold 1, subtract
// reset, T = 25 steps of direct current, mean-membrane readout; TF.js: `spikingMlpForward`, the
// spiking package's step-by-step inference). Batch-1 latency and batch-256 throughput, each timed
// until the probabilities are in a JavaScript Float32Array. Prints JSON.
//   npx nx run benchmarks:bench-onnx            (args: reps for batch 1, reps for batch 256; default 200 30)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxClassifier, exportDenseMlpToFile, verifyParity, type ClassifierMetadata, type DenseLayer } from '@cristal/onnx';
import { exportSpikingMlpToFile, spikingMlpForward, type SpikingMlpSpec } from '@cristal/spiking';
import { tf, backendInfo, RandomStreams, type Tensor } from '@cristal/tensor';

const args = process.argv.slice(2);
const repsLatency = Number(args[0] ?? 200);
const repsThroughput = Number(args[1] ?? 30);
const WARMUP = 10;

const metadata = (modelFamily: string): ClassifierMetadata => ({
  project: 'benchmarks',
  experiment: 'onnx-inference',
  runId: '-',
  gitCommit: '-',
  configHash: '-',
  modelFamily,
  testMetrics: {},
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function time(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(WARMUP, reps); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** torch.nn.Linear's default initialisation, in TF.js layout [in, out]. */
function linear(rng: RandomStreams, fanIn: number, fanOut: number): { weight: Tensor; bias: Tensor } {
  const bound = 1 / Math.sqrt(fanIn);
  return { weight: rng.init.uniformTensor([fanIn, fanOut], -bound, bound), bias: rng.init.uniformTensor([fanOut], -bound, bound) };
}

interface Workload {
  name: string;
  description: string;
  file: string;
  tfjs: (x: Tensor) => Tensor;
  /** Rows on which the two implementations must agree (spiking: away from threshold ties). */
  parityRows?: (x: Tensor) => Tensor;
  dispose: () => void;
}

function denseMlp(rng: RandomStreams, dir: string): Workload {
  const sizes = [784, 400, 400, 10];
  const layers: DenseLayer[] = sizes.slice(1).map((out, i) => ({ ...linear(rng, sizes[i], out), activation: i < 2 ? 'relu' : 'none' }));
  const model = tf.sequential({
    layers: layers.map((_, i) => tf.layers.dense({ units: sizes[i + 1], inputShape: i === 0 ? [784] : undefined, activation: i < 2 ? 'relu' : 'softmax' })),
  });
  model.setWeights(layers.flatMap((l) => [l.weight, l.bias]));
  const file = path.join(dir, 'mlp.onnx');
  exportDenseMlpToFile(file, layers, { metadata: metadata('dense-mlp') });
  return {
    name: 'dense-mlp',
    description: 'dense MLP 784-400-400-10, ReLU, softmax; TF.js: tf.sequential predict',
    file,
    tfjs: (x) => model.predict(x) as Tensor,
    dispose: () => {
      model.dispose();
      tf.dispose(layers.flatMap((l) => [l.weight, l.bias]));
    },
  };
}

function spikingMlp(rng: RandomStreams, dir: string): Workload {
  // Weights scaled up from the Linear default so both layers actually spike (a trained network does).
  const l1 = linear(rng, 784, 1000);
  const l2 = linear(rng, 1000, 10);
  const spec: SpikingMlpSpec = {
    layers: [
      { weight: tf.mul(l1.weight, 4), bias: l1.bias, beta: 0.95, threshold: 1, reset: 'subtract' },
      { weight: tf.mul(l2.weight, 4), bias: l2.bias, beta: 0.95, threshold: 1, reset: 'subtract' },
    ],
    steps: 25,
    readout: 'mean-membrane',
  };
  tf.dispose([l1.weight, l2.weight]);
  const file = path.join(dir, 'snn.onnx');
  exportSpikingMlpToFile(file, spec, { metadata: metadata('spiking-mlp') });
  return {
    name: 'spiking-mlp',
    description: 'LIF network 784-1000-10, T = 25, direct current, mean-membrane readout; TF.js: spikingMlpForward (step by step)',
    file,
    tfjs: (x) =>
      tf.tidy(() => {
        const out = spikingMlpForward(spec, x);
        return out.probabilities;
      }),
    // Summing in another order moves a membrane by ~1e-6, which flips a spike only where it is that
    // close to the threshold: parity is checked on the rows whose margin is above 1e-4.
    parityRows: (x) =>
      tf.tidy(() => {
        const margin = spikingMlpForward(spec, x).thresholdMargin;
        const keep = Array.from(margin.dataSync()).flatMap((m, i) => (m > 1e-4 ? [i] : []));
        return tf.gather(x, keep);
      }),
    dispose: () => tf.dispose(spec.layers.flatMap((l) => [l.weight, l.bias])),
  };
}

async function measure(workload: Workload, x256: Tensor) {
  const x1 = tf.slice(x256, [0, 0], [1, 784]);
  const px256 = x256.dataSync() as Float32Array;
  const px1 = px256.slice(0, 784);
  const parityInputs = workload.parityRows ? workload.parityRows(x256) : x256;
  const parity = await verifyParity(workload.tfjs, workload.file, parityInputs);
  const parityRows = parityInputs.shape[0];
  if (parityInputs !== x256) parityInputs.dispose();
  const classifier = await OnnxClassifier.load(workload.file);
  const tfjsPredict = (x: Tensor) => {
    const y = workload.tfjs(x);
    const data = y.dataSync();
    y.dispose();
    return data;
  };
  const ort1 = await time(repsLatency, () => classifier.predict(px1, 1));
  const tfjs1 = await time(repsLatency, () => tfjsPredict(x1));
  const ort256 = await time(repsThroughput, () => classifier.predict(px256, 256));
  const tfjs256 = await time(repsThroughput, () => tfjsPredict(x256));
  const result = {
    workload: workload.description,
    parity: { rows: parityRows, pass: parity.pass, maxAbsDiff: parity.maxAbsDiff, maxRelDiff: parity.maxRelDiff },
    modelBytes: fs.statSync(workload.file).size,
    opset: classifier.metadata.opset,
    batch1LatencyMs: { onnxruntime: ort1, tfjs: tfjs1, tfjsOverOnnxruntime: tfjs1 / ort1 },
    batch256: {
      medianMs: { onnxruntime: ort256, tfjs: tfjs256 },
      samplesPerSecond: { onnxruntime: 256 / (ort256 / 1e3), tfjs: 256 / (tfjs256 / 1e3) },
      onnxruntimeOverTfjs: tfjs256 / ort256,
    },
  };
  await classifier.dispose();
  x1.dispose();
  return result;
}

async function main() {
  const rng = new RandomStreams(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-bench-'));
  const x256 = rng.data.uniformTensor([256, 784]);
  const results: Record<string, unknown> = {};
  try {
    for (const make of [denseMlp, spikingMlp]) {
      const workload = make(rng, dir);
      results[workload.name] = await measure(workload, x256);
      workload.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    x256.dispose();
  }
  const version = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  console.log(
    JSON.stringify(
      {
        benchmark: 'onnx-inference',
        statistic: `median over repetitions (after ${WARMUP} warm-up calls); time until the probabilities are in a Float32Array`,
        repetitions: { batch1: repsLatency, batch256: repsThroughput },
        results,
        versions: { node: process.version, onnxruntimeNode: version('onnxruntime-node') },
        onnxruntimeThreads: 'default (one per physical core)',
        backend: backendInfo(),
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      },
      null,
      2,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
