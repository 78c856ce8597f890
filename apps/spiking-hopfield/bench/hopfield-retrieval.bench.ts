// Modern Hopfield retrieval speed (Ramsauer et al. 2020, one update xi_new = X^T softmax(beta X xi)):
// N = 10,000 stored patterns, d = 784, 1,024 queries, beta = 8 / sqrt(d), random normal patterns and
// queries, the workload of ../shared/reference/torch_hopfield.py. Dense TF.js (both matMul
// orientations, the faster is kept) against PyTorch side by side in one invocation, in alternating
// rounds; then the spiking retrievals of src/spiking on the same memory. Prints JSON.
//   npx nx run spiking-hopfield:bench                     (REFERENCE_PYTHON=... picks the PyTorch interpreter, REFERENCE_DIR=... the directory of torch_hopfield.py)
//   npx nx run spiking-hopfield:bench -- <reps> <rounds>  (defaults 10 and 4)
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tf, backendInfo, RandomStreams, RandomStream, type Tensor, type Tensor2D } from '@cristal/tensor';
import { denseRetrieval, disposePatternMemory, disposeSpikingRetrieval, patternMemory, retrievalEnergy, spikingRetrieval, type SpikingReadout } from '../src/spiking/index';

const N = 10000;
const D = 784;
const Q = 1024;
const BETA = 8 / Math.sqrt(D);
const args = process.argv.slice(2);
const reps = Number(args[0] ?? 10);
const rounds = Number(args[1] ?? 4);
const spikingReps = 3;

function numbers(t: Tensor): number[] {
  return Array.from(t.dataSync() as Float32Array | Int32Array);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time of `fn` over `n` runs after `warmup` runs; `fn` returns tensors read back (a sync) then freed. */
function timeIt(fn: () => Tensor, n: number, warmup = 2): number {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const out = fn();
    out.dataSync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    out.dispose();
    return seconds;
  };
  for (let i = 0; i < warmup; i++) once();
  return median(Array.from({ length: n }, once));
}

const rng = new RandomStreams(0);
const X = rng.init.normalTensor([N, D]) as Tensor2D;
const queries = rng.data.normalTensor([Q, D]) as Tensor2D;
const memory = patternMemory(X);

// xi_new for all queries; beta scales the queries (Q d) rather than the scores (Q N)
const orientations = {
  'stored X^T': () => tf.tidy(() => tf.matMul(tf.softmax(tf.matMul(tf.mul(queries, BETA) as Tensor2D, memory.patternsT)), memory.patterns)),
  'matMul transposeB': () => tf.tidy(() => tf.matMul(tf.softmax(tf.matMul(tf.mul(queries, BETA) as Tensor2D, memory.patterns, false, true)), memory.patterns)),
};

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
const referenceLookup = findReference('torch_hopfield.py');

function measureReference(): { queriesPerSecond: number; output: string } | { skipped: string } {
  if ('skipped' in referenceLookup) return { skipped: referenceLookup.skipped };
  const r = spawnSync(referenceLookup.python, [referenceLookup.script, String(reps)], { encoding: 'utf8' });
  const m = /queries\/s ([\d.]+)/.exec(r.stdout ?? '');
  if (!m) return { skipped: referenceFailure(referenceLookup, r) };
  return { queriesPerSecond: Number(m[1]), output: r.stdout.trim() };
}

// Dense against PyTorch in paired rounds, ordered ours-PyTorch then PyTorch-ours (ABBA), so that a
// load change on the shared machine hits both sides of a round alike.
const roundResults = Array.from({ length: rounds }, (_, round) => {
  const measureOurs = () => Object.fromEntries(Object.entries(orientations).map(([name, fn]) => [name, Q / timeIt(fn, reps)]));
  if (round % 2 === 0) {
    const ours = measureOurs();
    return { ours, reference: measureReference() };
  }
  const reference = measureReference();
  return { ours: measureOurs(), reference };
});
const denseMedians = Object.fromEntries(Object.keys(orientations).map((name) => [name, median(roundResults.map((r) => r.ours[name]))]));
const [fastest] = Object.entries(denseMedians).sort((a, b) => b[1] - a[1]);
const referenceRates = roundResults.flatMap((r) => ('queriesPerSecond' in r.reference ? [r.reference.queriesPerSecond] : []));
const referenceMedian = referenceRates.length ? median(referenceRates) : null;
const pairedRatios = roundResults.flatMap((r) => ('queriesPerSecond' in r.reference ? [r.ours[fastest[0]] / r.reference.queriesPerSecond] : []));
const firstReference = roundResults[0].reference;

// Spiking retrievals on the same memory and queries.
const dense = denseRetrieval(memory, queries, BETA);
const denseArgmax = tf.tidy(() => numbers(tf.argMax(dense.probabilities, 1)));
const spikingRuns: { name: string; coding: 'rate' | 'latency'; inputSteps: number; readout: SpikingReadout; gain?: number }[] = [
  { name: '(a) escape-noise neurons', coding: 'rate', inputSteps: 16, readout: { kind: 'escape-noise', steps: 64, maxRate: 0.5, sampler: 'counts' } },
  { name: "(a') Poisson race, one spike per step", coding: 'rate', inputSteps: 16, readout: { kind: 'poisson-race', steps: 64, sampler: 'counts' } },
  { name: "(a') Poisson race, latency-coded query", coding: 'latency', inputSteps: 16, readout: { kind: 'poisson-race', steps: 64, sampler: 'counts' } },
  { name: '(b) latency winner-take-all, early threshold', coding: 'rate', inputSteps: 16, readout: { kind: 'latency-wta', threshold: 150 } },
  { name: '(b) latency winner-take-all, late threshold', coding: 'rate', inputSteps: 32, readout: { kind: 'latency-wta', threshold: 450 } },
];
const spiking = spikingRuns.map((run) => {
  const stream = new RandomStream(1, 'bench-spiking');
  const options = { beta: BETA, coding: run.coding, inputSteps: run.inputSteps, gain: run.gain ?? 1, readout: run.readout, stream };
  const times: number[] = [];
  let summary: Record<string, unknown> = {};
  for (let i = 0; i <= spikingReps; i++) {
    const t0 = process.hrtime.bigint();
    const r = spikingRetrieval(memory, queries, options);
    r.retrieved.dataSync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (i > 0) times.push(seconds); // the first call is the warm-up
    if (i === spikingReps) {
      const winners = numbers(r.winner);
      const steps = r.decisionStep ? numbers(r.decisionStep).filter((t) => t >= 0) : [];
      const energy = retrievalEnergy(r.activity);
      summary = {
        meanAbsErrorVsDense: tf.tidy(() => tf.mean(tf.abs(tf.sub(r.retrieved, dense.retrieved))).dataSync()[0]),
        winnerIsDenseArgmax: winners.filter((w, b) => w === denseArgmax[b]).length / Q,
        undecided: winners.filter((w) => w < 0).length,
        meanDecisionStep: steps.length ? steps.reduce((a, b) => a + b, 0) / steps.length : null,
        inputSpikesPerQuery: r.activity.inputSpikes / Q,
        memorySpikesPerQuery: r.activity.memorySpikes / Q,
        synapticOpsPerQuery: r.activity.synapticOpsPerQuery,
        denseMacsPerQuery: r.activity.denseMacsPerQuery,
        energyPerQueryJ: { spiking: energy.spiking.energyPerSampleJ, dense: energy.dense.energyPerSampleJ, ratio: energy.ratio, model: energy.spiking.model.description },
      };
    }
    disposeSpikingRetrieval(r);
  }
  return { name: run.name, coding: run.coding, inputSteps: run.inputSteps, gain: run.gain ?? 1, readout: run.readout, queriesPerSecond: Q / median(times), medianCallMs: median(times) * 1e3, ...summary };
});
tf.dispose([dense.probabilities, dense.retrieved]);
const tensorsAtEnd = tf.memory().numTensors;
disposePatternMemory(memory);
tf.dispose([X, queries]);

console.log(
  JSON.stringify(
    {
      benchmark: 'hopfield-retrieval',
      workload: `modern Hopfield retrieval, one step: N = ${N} stored patterns, d = ${D}, ${Q} queries, beta = 8 / sqrt(d) = ${BETA.toFixed(4)}, random normal patterns and queries`,
      statistic: `median over ${reps} repetitions after 2 warm-ups, per round; ${rounds} paired rounds (ours then PyTorch, then PyTorch then ours, ...); the headline ratio is the median of the per-round ratios`,
      dense: {
        queriesPerSecond: denseMedians,
        kept: fastest[0],
        perRound: roundResults.map((r) => ({ ours: r.ours, reference: 'queriesPerSecond' in r.reference ? r.reference.queriesPerSecond : null })),
      },
      reference: referenceMedian === null ? firstReference : { script: 'script' in referenceLookup ? referenceLookup.script : null, queriesPerSecond: referenceMedian, output: 'output' in firstReference ? firstReference.output : null },
      oursOverReference: {
        medianOfPairedRounds: pairedRatios.length ? median(pairedRatios) : null,
        ratioOfMedians: referenceMedian === null ? null : fastest[1] / referenceMedian,
        perRound: pairedRatios,
      },
      spiking: {
        note: `median of ${spikingReps} calls after one warm-up, ${Q} queries per call, N = ${N}, d = ${D}; ON/OFF coding with scale = each query's max |xi|; memory-neuron counts drawn with the exact 'counts' samplers; meanAbsErrorVsDense = mean |retrieved - dense xi_new|; winnerIsDenseArgmax = fraction of queries whose most active memory neuron is the dense argmax`,
        results: spiking,
      },
      backend: backendInfo(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))) },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      numTensorsAfterSpikingRuns: tensorsAtEnd,
    },
    null,
    2,
  ),
);
