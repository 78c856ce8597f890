// One Adam update over the SNN benchmark's parameters (784x1000 + 1000 + 1000x10 + 10 = 795,010):
// tf.train.adam (about fourteen TF.js ops per variable) against the fused Adam of this package, in one
// invocation. Prints JSON. Gradients are precomputed, so only the update is timed.
//   npx nx run tensor:bench
import * as os from 'node:os';
import { Adam, backendInfo, RandomStream, tf } from '../src/index';

const shapes = [[784, 1000], [1000], [1000, 10], [10]];
const reps = Number(process.argv[2] ?? 30);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function setup() {
  const rng = new RandomStream(0, 'adam-bench');
  const vars = shapes.map((shape) => tf.variable(rng.normalTensor(shape, 0, 0.05)));
  const grads = Object.fromEntries(vars.map((v) => [v.name, rng.normalTensor(v.shape, 0, 1e-3)]));
  return { vars, grads };
}

function time(step: () => void, sync: () => void): number {
  for (let i = 0; i < 3; i++) step();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    sync(); // TF.js runs ops eagerly, but read a value so nothing is left pending
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ts);
}

const a = setup();
const tfAdam = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
const tfMs = time(() => tfAdam.applyGradients(a.grads as unknown as Parameters<typeof tfAdam.applyGradients>[0]), () => a.vars[0].dataSync());
const b = setup();
const ours = new Adam(b.vars, { learningRate: 1e-3 });
const oursMs = time(() => ours.applyGradients(b.grads), () => b.vars[0].dataSync());

console.log(
  JSON.stringify(
    {
      benchmark: 'adam-update',
      parameters: shapes.reduce((n, s) => n + s.reduce((x, y) => x * y, 1), 0),
      repetitions: reps,
      statistic: 'median update time, ms',
      tfTrainAdamMs: tfMs,
      fusedAdamMs: oursMs,
      fusedKernel: Adam.kernel(),
      speedup: tfMs / oursMs,
      backend: backendInfo(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
    },
    null,
    2,
  ),
);
