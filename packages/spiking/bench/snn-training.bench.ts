// Training speed of the reference SNN (../shared/reference/torch_snn.py): 784-1000-10, two LIF layers,
// beta 0.95, threshold 1, reset by subtraction (not detached), T = 25, fast-sigmoid surrogate (slope
// 25), BPTT, Adam lr 5e-4, cross-entropy on the time-averaged output membrane. Ours against PyTorch,
// side by side in one invocation, in three modes:
//   fused        linearLifLinear (fc1, layer 1 and fc2 in one kernel) + lifMeanMembrane + softmaxCrossEntropy
//   lifLinear    the previous fused path: TF matMul for fc1, lifLinear, lifScan, TF.js cross-entropy
//   single-step  lifStep and tf.matMul step by step (batches up to 128)
// Prints JSON. PyTorch runs REFERENCE_RUNS times (default 3); the ratio uses its best run.
//   npx nx run spiking:bench -- 32,128,512 10     (batch sizes, measured steps; REFERENCE_PYTHON=... picks the PyTorch interpreter,
//                                                   REFERENCE_DIR=... the directory of torch_snn.py)
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tf, backendInfo, Adam, RandomStreams, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { NATIVE_THREADS } from '../src/kernels/native-threads';
import { lifLinear, lifScan, lifStep, lifParameters, surrogate, lifKernel, linearLifLinear, lifMeanMembrane, softmaxCrossEntropy } from '../src/index';

const T = 25;
const H = 1000;
const args = process.argv.slice(2);
const batches = (args[0] ?? '32,128,512').split(',').map(Number);
const steps = Number(args[1] ?? 10);

function linear(rng: RandomStreams, fanIn: number, fanOut: number): [Variable, Variable] {
  const bound = 1 / Math.sqrt(fanIn); // torch.nn.Linear's default init
  return [tf.variable(rng.init.uniformTensor([fanIn, fanOut], -bound, bound)), tf.variable(rng.init.uniformTensor([fanOut], -bound, bound))];
}

type Mode = 'fused' | 'lifLinear' | 'single-step';

function buildStep(mode: Mode, B: number) {
  const rng = new RandomStreams(0);
  const [w1, b1] = linear(rng, 784, H);
  const [w2, b2] = linear(rng, H, 10);
  const x = rng.data.uniformTensor([B, 784]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: B }, () => rng.data.int(10)), 'int32'), 10), 'float32'));
  const opt = new Adam([w1, b1, w2, b2], { learningRate: 5e-4 }); // fused native Adam, torch's defaults
  const sg = surrogate('fastSigmoid', 25);
  const params = lifParameters({ beta: 0.95, threshold: 1, reset: 'subtract', surrogate: sg });
  const loss = () =>
    tf.tidy(() => {
      if (mode === 'fused') {
        // fc1, layer 1 and fc2 in one kernel; layer 2's mean membrane and the loss in one op each
        const l1 = linearLifLinear(x, { inputWeight: w1, inputBias: b1, outputWeight: w2, outputBias: b2 }, 0.95, 1, null, { steps: T, surrogate: sg });
        return softmaxCrossEntropy(y, lifMeanMembrane(l1.output, 0.95, 1, null, { surrogate: sg }).mean);
      }
      const cur1 = tf.add(tf.matMul(x, w1), b1);
      let out: Tensor;
      if (mode === 'lifLinear') {
        // layer 1 fused with its projection onto layer 2: the spikes never leave the kernel
        const l1 = lifLinear(cur1, w2, 0.95, 1, null, { steps: T, surrogate: sg });
        const cur2 = tf.add(l1.output, b2);
        out = tf.div(tf.sum(lifScan(cur2, 0.95, 1, null, { surrogate: sg, membrane: true }).membrane as Tensor, 0), T);
      } else {
        let v1 = tf.zeros([B, H]);
        let v2 = tf.zeros([B, 10]);
        let acc = tf.zeros([B, 10]);
        for (let t = 0; t < T; t++) {
          const l1 = lifStep(cur1, { v: v1 }, params);
          v1 = l1.state.v;
          const l2 = lifStep(tf.add(tf.matMul(l1.spikes, w2), b2), { v: v2 }, params);
          v2 = l2.state.v;
          acc = tf.add(acc, v2);
        }
        out = tf.div(acc, T);
      }
      return tf.losses.softmaxCrossEntropy(y, out) as Scalar;
    });
  const step = () => opt.minimize(loss);
  const dispose = () => {
    tf.dispose([w1, b1, w2, b2, x, y]);
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
  // same seed, weights and data in every mode: the first losses agree up to float rounding
  const firstLoss = step();
  step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const tensorsAfter = tf.memory().numTensors;
  dispose();
  return { samplesPerSecond: B / median(times), medianStepMs: median(times) * 1e3, firstLoss, numTensorsBefore: tensorsBefore, numTensorsAfter: tensorsAfter };
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

// PyTorch's throughput swings by 10x or more on a shared machine (its OpenMP threads wait on each
// other when another process takes a core), so it runs REFERENCE_RUNS times (default 3) and the
// ratio uses its best run: a conservative comparison.
const referenceRuns = Math.max(1, Number(process.env.REFERENCE_RUNS) || 3);

function measureReference(B: number) {
  const reference = findReference('torch_snn.py');
  if ('skipped' in reference) return { skipped: reference.skipped };
  const runs: number[] = [];
  let output = '';
  for (let i = 0; i < referenceRuns; i++) {
    const r = spawnSync(reference.python, [reference.script, String(B), String(steps)], { encoding: 'utf8' });
    const m = /samples\/s ([\d.]+)/.exec(r.stdout ?? '');
    if (!m) return { skipped: referenceFailure(reference, r) };
    runs.push(Number(m[1]));
    output = r.stdout.trim();
  }
  return { samplesPerSecond: Math.max(...runs), runs, statistic: `best of ${referenceRuns} runs`, output };
}

const results = batches.map((B) => {
  const fused = measureOurs('fused', B);
  const reference = measureReference(B);
  const lifLinearPath = measureOurs('lifLinear', B);
  const singleStep = B <= 128 ? measureOurs('single-step', B) : null;
  const ratio = 'samplesPerSecond' in reference ? fused.samplesPerSecond / (reference.samplesPerSecond as number) : null;
  return { batch: B, fused, lifLinear: lifLinearPath, singleStep, reference, fusedOverReference: ratio };
});

console.log(
  JSON.stringify(
    {
      benchmark: 'snn-training',
      workload: '784-1000-10 LIF, T=25, BPTT, Adam, fast-sigmoid surrogate',
      stepsMeasured: steps,
      statistic: 'ours: median step time; PyTorch: best throughput of its runs (REFERENCE_RUNS)',
      backend: backendInfo(),
      kernel: lifKernel().name,
      nativeThreads: NATIVE_THREADS,
      optimizer: `Adam (${Adam.kernel()})`,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      results,
    },
    null,
    2,
  ),
);
