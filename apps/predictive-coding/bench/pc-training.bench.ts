// Training speed of discriminative predictive coding on the workload of
// ../shared/reference/torch_pc.py: 784-256-256-10 tanh MLP, batch 128, T = 20 inference steps of
// size 0.1 on the hidden value nodes with input and target clamped, then one local SGD update
// (lr 1e-3) per layer. Four contenders, in paired rounds so that load on the shared machine hits
// them alike:
//   ours    PcTrainer (src/pc) as it trains by default: the fused native step (native/, one call per
//           training step: sweep, T inference steps and local gradients on the shared packed SGEMM)
//   tfOps   PcTrainer with kernel 'tf': mu_1 computed once per batch, scaled transposed feedback
//           matrices, single-TensorFlow-op kernels (BatchMatMulV2, TanhGrad, AddN) in the loop
//   naive   a line-by-line tf.* transcription of torch_pc.py's step (for scale: what the
//           optimisations buy)
//   torch   torch_pc.py itself, spawned (REFERENCE_PYTHON, else ~/.cache/reference-venv/bin/python;
//           the script from REFERENCE_DIR, else ../shared/reference beside the repository)
// Prints one JSON document. Medians over rounds; the headline ratio is median(ours) / median(torch).
//   node --conditions=@cristal/source -r ../../tools/ts/register.cjs bench/pc-training.bench.ts [batch=128] [steps=20] [rounds=5]
// (from apps/predictive-coding)
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tf, backendInfo, oneHot, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { REFERENCE_ARCHITECTURE, initPcParams, nativeOpsActive, PcTrainer, type PcParams } from '../src/pc/index';

const args = process.argv.slice(2);
const B = Number(args[0] ?? 128);
const steps = Number(args[1] ?? 20);
const rounds = Number(args[2] ?? 5);
const T = 20;
const GAMMA = 0.1;
const LR = 1e-3;
if (![B, steps, rounds].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error(`Usage: pc-training.bench.ts [batch] [steps] [rounds], positive integers; got ${args.join(' ')}.`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const rng = new RandomStreams(0);
const x = rng.data.uniformTensor([B, 784]) as Tensor2D;
const labels = tf.tensor1d(Array.from({ length: B }, () => rng.data.int(10)), 'int32');
const y = oneHot(labels, 10) as Tensor2D;
labels.dispose();

const makeTrainer = (kernel: 'auto' | 'tf') => new PcTrainer({ architecture: REFERENCE_ARCHITECTURE, seed: 0, pc: { inferenceSteps: T, stepSize: GAMMA }, optimizer: { kind: 'sgd', learningRate: LR }, kernel });
const trainer = makeTrainer('auto');
const tfOpsTrainer = makeTrainer('tf');

/** torch_pc.py's step written out with tf.* ops, as it stands (x_0 W_0 recomputed every inference step). */
function naiveStep(params: { W: Tensor2D[]; b: Tensor1D[] }): void {
  const next = tf.tidy(() => {
    const xs: Tensor2D[] = [x];
    for (let l = 0; l < 3; l++) xs.push(tf.add(tf.matMul(l > 0 ? tf.tanh(xs[l]) : xs[l], params.W[l]), params.b[l]));
    xs[3] = y;
    for (let t = 0; t < T; t++) {
      const pre = [0, 1, 2].map((l) => (l === 0 ? xs[l] : tf.tanh(xs[l])));
      const eps = [0, 1, 2].map((l) => tf.sub(xs[l + 1], tf.add(tf.matMul(pre[l], params.W[l]), params.b[l])));
      for (let l = 1; l < 3; l++) {
        const df = tf.sub(1, tf.square(tf.tanh(xs[l])));
        xs[l] = tf.add(xs[l], tf.mul(GAMMA, tf.add(tf.neg(eps[l - 1]), tf.mul(df, tf.matMul(eps[l], params.W[l], false, true)))));
      }
    }
    const pre = [0, 1, 2].map((l) => (l === 0 ? xs[l] : tf.tanh(xs[l])));
    const eps = [0, 1, 2].map((l) => tf.sub(xs[l + 1], tf.add(tf.matMul(pre[l], params.W[l]), params.b[l])));
    return {
      W: params.W.map((w, l) => tf.add(w, tf.div(tf.mul(LR, tf.matMul(pre[l], eps[l], true, false)), B))),
      b: params.b.map((bias, l) => tf.add(bias, tf.mul(LR, tf.mean(eps[l], 0)))),
    };
  });
  tf.dispose([...params.W, ...params.b]);
  params.W = next.W as Tensor2D[];
  params.b = next.b as Tensor1D[];
}

const initial: PcParams = initPcParams(REFERENCE_ARCHITECTURE, 0);
const naiveParams = { W: [...initial.weights], b: [...initial.biases] };

/** Samples per second over `steps` training steps (the last weight read back so that all work is done). */
function timeSteps(step: () => void, sync: () => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) step();
  sync();
  return (B * steps) / (Number(process.hrtime.bigint() - t0) / 1e9);
}
const measureOurs = () => timeSteps(() => trainer.step(x, y), () => trainer.params.weights[0].dataSync());
const measureTfOps = () => timeSteps(() => tfOpsTrainer.step(x, y), () => tfOpsTrainer.params.weights[0].dataSync());
const measureNaive = () => timeSteps(() => naiveStep(naiveParams), () => naiveParams.W[0].dataSync());

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
const referenceLookup = findReference('torch_pc.py');
let referenceOutput: string | null = null;
function measureTorch(): number | { skipped: string } {
  if ('skipped' in referenceLookup) return { skipped: referenceLookup.skipped };
  const r = spawnSync(referenceLookup.python, [referenceLookup.script, String(B), String(steps)], { encoding: 'utf8' });
  const m = /samples\/s ([\d.]+)/.exec(r.stdout ?? '');
  if (!m) return { skipped: referenceFailure(referenceLookup, r) };
  referenceOutput = r.stdout.trim();
  return Number(m[1]);
}

// warm-up: kernels, allocator, lazily created tensors
for (let i = 0; i < 3; i++) {
  trainer.step(x, y);
  tfOpsTrainer.step(x, y);
  naiveStep(naiveParams);
}
const tensorsBefore = tf.memory().numTensors;

const perRound: { ours: number; tfOps: number; naive: number; torch: number | null }[] = [];
let torchSkipped: string | null = null;
for (let r = 0; r < rounds; r++) {
  // ABBA order: ours first in even rounds, torch first in odd ones
  let torch: number | { skipped: string } = { skipped: 'not run' };
  if (r % 2 === 1) torch = measureTorch();
  const ours = measureOurs();
  const tfOps = measureTfOps();
  const naive = measureNaive();
  if (r % 2 === 0) torch = measureTorch();
  if (typeof torch !== 'number') torchSkipped = torch.skipped;
  perRound.push({ ours, tfOps, naive, torch: typeof torch === 'number' ? torch : null });
}
const tensorsAfter = tf.memory().numTensors;

const oursMedian = median(perRound.map((p) => p.ours));
const tfOpsMedian = median(perRound.map((p) => p.tfOps));
const naiveMedian = median(perRound.map((p) => p.naive));
const torchRates = perRound.flatMap((p) => (p.torch === null ? [] : [p.torch]));
const torchMedian = torchRates.length ? median(torchRates) : null;
const round1 = (v: number) => Math.round(v * 10) / 10;

console.log(
  JSON.stringify(
    {
      benchmark: 'pc-training',
      workload: `discriminative PC, 784-256-256-10 tanh, batch ${B}, T = ${T} inference steps of size ${GAMMA} on hidden nodes (input and target clamped), local SGD lr ${LR}; ${steps} training steps per measurement`,
      statistic: `samples/s of ${steps} consecutive training steps, ${rounds} rounds (ours, tfOps, naive and torch interleaved ABBA); medians over rounds; ratio = median(ours) / median(torch)`,
      backend: backendInfo(),
      oursKernel: trainer.kernelInfo(),
      nativeOps: nativeOpsActive(),
      batch: B,
      inferenceSteps: T,
      machine: { cpuModel: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
      ours: { samplesPerSecond: round1(oursMedian), medianStepMs: Number(((1e3 * B) / oursMedian).toFixed(2)) },
      tfOps: { samplesPerSecond: round1(tfOpsMedian), medianStepMs: Number(((1e3 * B) / tfOpsMedian).toFixed(2)) },
      naiveTfjs: { samplesPerSecond: round1(naiveMedian), medianStepMs: Number(((1e3 * B) / naiveMedian).toFixed(2)) },
      torch:
        torchMedian === null
          ? { skipped: torchSkipped }
          : { samplesPerSecond: round1(torchMedian), best: round1(Math.max(...torchRates)), version: /torch (\S+)/.exec(referenceOutput ?? '')?.[1] ?? null, output: referenceOutput, script: 'script' in referenceLookup ? referenceLookup.script : null },
      oursOverTorch: torchMedian === null ? null : Number((oursMedian / torchMedian).toFixed(3)),
      // PyTorch's OpenMP threads collapse when another process takes a core, so on a shared machine
      // best-vs-best is the comparison closest to an idle machine
      bestOverBest: torchMedian === null ? null : Number((Math.max(...perRound.map((p) => p.ours)) / Math.max(...torchRates)).toFixed(3)),
      pairedRatios: perRound.flatMap((p) => (p.torch === null ? [] : [Number((p.ours / p.torch).toFixed(3))])),
      tfOpsOverTorch: torchMedian === null ? null : Number((tfOpsMedian / torchMedian).toFixed(3)),
      oursOverTfOps: Number((oursMedian / tfOpsMedian).toFixed(3)),
      oursOverNaive: Number((oursMedian / naiveMedian).toFixed(3)),
      perRound: perRound.map((p) => ({ ours: round1(p.ours), tfOps: round1(p.tfOps), naive: round1(p.naive), torch: p.torch === null ? null : round1(p.torch) })),
      numTensors: { before: tensorsBefore, after: tensorsAfter },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ),
);
trainer.dispose();
tfOpsTrainer.dispose();
tf.dispose([x, y, ...naiveParams.W, ...naiveParams.b]);
