// Training speed of the Bayes-by-backprop reference (../shared/reference/torch_bnn.py): MLP 784-400-400-10,
// mean-field Gaussian weights and biases (mu ~ N(0, 0.05^2), rho = -5), local reparameterisation,
// closed-form KL to N(0, 1) scaled by 1/60000, cross-entropy, Adam lr 1e-3, random inputs and labels.
// Ours (fused mean-field kernel) and the same model with the KL and softplus composed of TF.js ops,
// against PyTorch run in the same invocation. Prints JSON.
//   npx nx run bayesian:bench              (REFERENCE_PYTHON=... to choose the PyTorch interpreter, REFERENCE_DIR=... the directory of torch_bnn.py)
//   ... bench/bnn-training.bench.ts 32,128,512 30     (batch sizes, measured steps)
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tf, backendInfo, Adam, RandomStreams, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { bayesianMlp, categoricalNll, elboLoss, kernelInfo, klGaussian, normalNoise } from '../src/index';

const SIZES = [784, 400, 400, 10];
const N_TRAIN = 60000;
const args = process.argv.slice(2);
const batches = (args[0] ?? '32,128,512').split(',').map(Number);
const steps = Number(args[1] ?? 30);

type Mode = 'fused' | 'composed';

/** The reference's layer written with TF.js ops only: what the fused kernel replaces. */
function composedModel(rng: RandomStreams) {
  const layers = SIZES.slice(1).map((out, i) => ({
    mu: tf.variable(rng.init.fork(`layer${i + 1}`).normalTensor([SIZES[i], out], 0, 0.05)),
    rho: tf.variable(tf.fill([SIZES[i], out], -5)),
    bMu: tf.variable(tf.zeros([out])),
    bRho: tf.variable(tf.fill([out], -5)),
  }));
  const call = (x: Tensor) =>
    tf.tidy(() => {
      let h = x;
      const kls: Tensor[] = [];
      layers.forEach((l, i) => {
        const sw = tf.softplus(l.rho);
        const sb = tf.softplus(l.bRho);
        const m = tf.add(tf.matMul(h, l.mu), l.bMu);
        const v = tf.add(tf.matMul(tf.square(h), tf.square(sw)), tf.square(sb));
        h = tf.add(m, tf.mul(tf.sqrt(v), normalNoise(rng.noise, m.shape)));
        if (i < layers.length - 1) h = tf.relu(h);
        kls.push(klGaussian({ mean: l.mu, std: sw }, { mean: 0, std: 1 }), klGaussian({ mean: l.bMu, std: sb }, { mean: 0, std: 1 }));
      });
      return { output: h, kl: tf.addN(kls) as Scalar };
    });
  const variables: Variable[] = layers.flatMap((l) => [l.mu, l.rho, l.bMu, l.bRho]);
  return { call, variables, dispose: () => tf.dispose(variables) };
}

function buildStep(mode: Mode, B: number) {
  const rng = new RandomStreams(0);
  let call: (x: Tensor) => { output: Tensor; kl: Scalar };
  let variables: Variable[];
  let disposeModel: () => void;
  if (mode === 'fused') {
    const model = bayesianMlp({ sizes: SIZES, estimator: 'local-reparam', meanInit: { kind: 'normal', std: 0.05 }, rhoInit: -5, rng: rng.init });
    call = (x) => model.call(x, rng.noise);
    variables = model.variables();
    disposeModel = () => model.dispose();
  } else {
    ({ call, variables, dispose: disposeModel } = composedModel(rng));
  }
  const x = rng.data.uniformTensor([B, 784]);
  const y = tf.tensor1d(Array.from({ length: B }, () => rng.data.int(10)), 'int32');
  const opt = new Adam(variables, { learningRate: 1e-3 });
  const loss = () =>
    tf.tidy(() => {
      const out = call(x);
      return elboLoss({ nllPerExample: categoricalNll(out.output, y), kl: out.kl, datasetSize: N_TRAIN }).loss;
    });
  const step = () => opt.minimize(loss);
  const dispose = () => {
    disposeModel();
    tf.dispose([x, y]);
    opt.dispose();
  };
  return { step, dispose };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measureOurs(mode: Mode, B: number) {
  const { step, dispose } = buildStep(mode, B);
  for (let i = 0; i < 3; i++) step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const tensorsAfter = tf.memory().numTensors;
  dispose();
  return { samplesPerSecond: B / median(times), medianStepMs: median(times) * 1e3, numTensorsBefore: tensorsBefore, numTensorsAfter: tensorsAfter };
}

/** The cost of drawing the local-reparameterisation noise (B x 810 normals) from a RandomStream. */
function noiseCost(B: number) {
  const rng = new RandomStreams(1).noise;
  const times: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const t0 = process.hrtime.bigint();
    for (const units of [400, 400, 10]) normalNoise(rng, [B, units]).dispose();
    if (i >= 3) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { medianMsPerStep: median(times) };
}

// tools/bench/reference.cjs finds the script (REFERENCE_DIR) and the Python (REFERENCE_PYTHON), or says
// why not. It is a plain-Node script loaded by file path at run time, like tools/ts/register.cjs that
// runs this bench, not a module dependency of the package: the `tools` project depends on every
// project, so an import (or a require of one literal path, which Nx's import scanner also records)
// would make a cycle in the Nx task graph (typecheck refuses to run) and break the module-boundary
// rule. Hence the path in segments.
type Reference = { python: string; script: string };
const { findReference, referenceFailure } = require(path.join(__dirname, '..', '..', '..', 'tools', 'bench', 'reference.cjs')) as {
  findReference(scriptName: string): Reference | { skipped: string };
  referenceFailure(reference: Reference, result: { stderr: string | null; error?: Error; status: number | null }): string;
};

function measureReference(B: number) {
  const reference = findReference('torch_bnn.py');
  if ('skipped' in reference) return { skipped: reference.skipped };
  const r = spawnSync(reference.python, [reference.script, String(B), String(steps)], { encoding: 'utf8' });
  const m = /samples\/s ([\d.]+)/.exec(r.stdout ?? '');
  if (!m) return { skipped: referenceFailure(reference, r) };
  return { samplesPerSecond: Number(m[1]), output: r.stdout.trim() };
}

const results = batches.map((B) => {
  const fused = measureOurs('fused', B);
  const reference = measureReference(B);
  const composed = measureOurs('composed', B);
  const ratio = 'samplesPerSecond' in reference ? fused.samplesPerSecond / (reference.samplesPerSecond as number) : null;
  return { batch: B, fused, composed, reference, noise: noiseCost(B), fusedOverReference: ratio };
});

console.log(
  JSON.stringify(
    {
      benchmark: 'bnn-training',
      workload: 'Bayes-by-backprop MLP 784-400-400-10, local reparameterisation, closed-form KL to N(0, 1) / 60000, Adam lr 1e-3',
      stepsMeasured: steps,
      statistic: 'median step time (reference: mean throughput over its steps)',
      backend: backendInfo(),
      kernels: kernelInfo(),
      optimizer: `Adam (${Adam.kernel()})`,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      results,
    },
    null,
    2,
  ),
);
