// One adapter per speed bench: it reads the JSON document the bench prints (the fields of its final
// console.log, checked here with a schema) and turns it into workload rows. A bench whose output
// changed fails its adapter with the missing or mistyped fields named, instead of a row of undefined.
// The rows carry each bench's headline implementation as `ours`; the other implementations it times on
// the same workload (older paths, TF.js-op versions) go to `others`, and everything else stays in the
// raw JSON the suite prints beside the rows.
import { z } from 'zod';
import { formatCount } from '../report/format';
import { workloadRow, type WorkloadRow } from './workload-row';

/** What the suite takes from one bench's JSON. */
export interface BenchReading {
  rows: WorkloadRow[];
  /** The result lines the PyTorch reference printed (they start 'torch <version> threads=<n>'). */
  referenceOutputs: string[];
  /** Runtime versions the bench reports besides TF.js (e.g. onnxruntime-node). */
  versions: Record<string, string>;
}

export type BenchAdapter = (json: unknown) => BenchReading;

/** The bench's JSON does not have the fields its adapter reads. */
export class BenchOutputError extends Error {
  override name = 'BenchOutputError';
}

function parseOutput<T>(benchmark: string, schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new BenchOutputError(
    `the JSON printed by the ${benchmark} bench does not have the fields its adapter reads:\n${z.prettifyError(parsed.error)}\n` +
      'If the bench changed its output, update its adapter in apps/benchmarks/src/perf/perf-workloads.ts (and its canned output in perf-fixtures.test-helpers.ts).',
  );
}

// What every training bench prints per implementation.
const timedSteps = z.object({ samplesPerSecond: z.number(), medianStepMs: z.number() });
// A reference that ran prints a rate and its result line; one that did not, the reason.
const skipped = z.object({ skipped: z.string() });

// ---------------------------------------------------------------------------------------------------
// packages/spiking/bench/snn-training.bench.ts

const snnTrainingOutput = z.object({
  benchmark: z.literal('snn-training'),
  results: z.array(
    z.object({
      batch: z.number(),
      fused: timedSteps,
      lifLinear: timedSteps,
      singleStep: timedSteps.nullable(), // only run for batches up to 128
      reference: z.union([z.object({ samplesPerSecond: z.number(), statistic: z.string(), output: z.string() }), skipped]),
      fusedOverReference: z.number().nullable(),
    }),
  ),
});

export const snnTrainingAdapter: BenchAdapter = (json) => {
  const output = parseOutput('snn-training', snnTrainingOutput, json);
  return {
    rows: output.results.map((r) =>
      workloadRow({
        workload: 'SNN training 784-1000-10 LIF, T = 25, BPTT + Adam',
        implementation: 'fused (linearLifLinear)',
        unit: 'samples/s',
        batch: r.batch,
        ours: r.fused.samplesPerSecond,
        ...('skipped' in r.reference
          ? { referenceImplementation: 'PyTorch torch_snn.py', referenceSkipped: r.reference.skipped }
          : { reference: r.reference.samplesPerSecond, referenceImplementation: `PyTorch torch_snn.py, ${r.reference.statistic}` }),
        benchRatio: { field: 'fusedOverReference', value: r.fusedOverReference },
        others: [
          { implementation: 'lifLinear', value: r.lifLinear.samplesPerSecond },
          ...(r.singleStep ? [{ implementation: 'single-step', value: r.singleStep.samplesPerSecond }] : []),
        ],
      }),
    ),
    referenceOutputs: output.results.flatMap((r) => ('output' in r.reference ? [r.reference.output] : [])),
    versions: {},
  };
};

// ---------------------------------------------------------------------------------------------------
// packages/bayesian/bench/bnn-training.bench.ts

const bnnTrainingOutput = z.object({
  benchmark: z.literal('bnn-training'),
  results: z.array(
    z.object({
      batch: z.number(),
      fused: timedSteps,
      composed: timedSteps,
      reference: z.union([z.object({ samplesPerSecond: z.number(), output: z.string() }), skipped]),
      fusedOverReference: z.number().nullable(),
    }),
  ),
});

export const bnnTrainingAdapter: BenchAdapter = (json) => {
  const output = parseOutput('bnn-training', bnnTrainingOutput, json);
  return {
    rows: output.results.map((r) =>
      workloadRow({
        workload: 'BNN training 784-400-400-10, Bayes by backprop, local reparameterisation',
        implementation: 'fused mean-field kernel',
        unit: 'samples/s',
        batch: r.batch,
        ours: r.fused.samplesPerSecond,
        ...('skipped' in r.reference
          ? { referenceImplementation: 'PyTorch torch_bnn.py', referenceSkipped: r.reference.skipped }
          : { reference: r.reference.samplesPerSecond, referenceImplementation: 'PyTorch torch_bnn.py, mean throughput over its steps (one run)' }),
        benchRatio: { field: 'fusedOverReference', value: r.fusedOverReference },
        others: [{ implementation: 'composed TF.js ops', value: r.composed.samplesPerSecond }],
      }),
    ),
    referenceOutputs: output.results.flatMap((r) => ('output' in r.reference ? [r.reference.output] : [])),
    versions: {},
  };
};

// ---------------------------------------------------------------------------------------------------
// apps/predictive-coding/bench/pc-training.bench.ts

const pcTrainingOutput = z.object({
  benchmark: z.literal('pc-training'),
  batch: z.number(),
  oursKernel: z.object({ kernel: z.string() }),
  ours: timedSteps,
  tfOps: timedSteps,
  naiveTfjs: timedSteps,
  // `skipped` is null only if no round ran the reference at all
  torch: z.union([z.object({ samplesPerSecond: z.number(), output: z.string().nullable() }), z.object({ skipped: z.string().nullable() })]),
  oursOverTorch: z.number().nullable(),
  perRound: z.array(z.unknown()),
});

export const pcTrainingAdapter: BenchAdapter = (json) => {
  const output = parseOutput('pc-training', pcTrainingOutput, json);
  const torch = output.torch;
  return {
    rows: [
      workloadRow({
        workload: 'PC training 784-256-256-10 tanh, T = 20 inference steps, local SGD',
        implementation: `PcTrainer (kernel ${output.oursKernel.kernel})`,
        unit: 'samples/s',
        batch: output.batch,
        ours: output.ours.samplesPerSecond,
        ...('skipped' in torch
          ? { referenceImplementation: 'PyTorch torch_pc.py', referenceSkipped: torch.skipped ?? 'the reference did not run' }
          : { reference: torch.samplesPerSecond, referenceImplementation: `PyTorch torch_pc.py, median of ${output.perRound.length} rounds` }),
        benchRatio: { field: 'oursOverTorch', value: output.oursOverTorch },
        others: [
          { implementation: 'PcTrainer on TF ops (tfOps)', value: output.tfOps.samplesPerSecond },
          { implementation: 'naive tf.* transcription', value: output.naiveTfjs.samplesPerSecond },
        ],
      }),
    ],
    referenceOutputs: 'output' in torch && torch.output !== null ? [torch.output] : [],
    versions: {},
  };
};

// ---------------------------------------------------------------------------------------------------
// apps/spiking-hopfield/bench/hopfield-retrieval.bench.ts

const hopfieldRetrievalOutput = z.object({
  benchmark: z.literal('hopfield-retrieval'),
  workload: z.string(),
  dense: z.object({ queriesPerSecond: z.record(z.string(), z.number()), kept: z.string(), perRound: z.array(z.unknown()) }),
  reference: z.union([z.object({ queriesPerSecond: z.number(), output: z.string().nullable() }), skipped]),
  oursOverReference: z.object({ medianOfPairedRounds: z.number().nullable() }),
  spiking: z.object({ results: z.array(z.object({ name: z.string(), queriesPerSecond: z.number() })) }),
});

export const hopfieldRetrievalAdapter: BenchAdapter = (json) => {
  const output = parseOutput('hopfield-retrieval', hopfieldRetrievalOutput, json);
  const { queriesPerSecond, kept } = output.dense;
  const ours = queriesPerSecond[kept];
  if (ours === undefined) {
    throw new BenchOutputError(`the hopfield-retrieval bench kept the orientation "${kept}", which has no entry in dense.queriesPerSecond (${Object.keys(queriesPerSecond).join(', ')}).`);
  }
  // The bench prints the query count only inside its workload text ('..., 1024 queries, ...').
  const queries = /(\d+) queries/.exec(output.workload);
  const batch = queries ? Number(queries[1]) : null;
  const reference = output.reference;
  return {
    rows: [
      workloadRow({
        workload: 'Hopfield retrieval, one dense step, N = 10,000 patterns, d = 784',
        implementation: `dense TF.js (${kept})`,
        unit: 'queries/s',
        batch,
        ours,
        ...('skipped' in reference
          ? { referenceImplementation: 'PyTorch torch_hopfield.py', referenceSkipped: reference.skipped }
          : { reference: reference.queriesPerSecond, referenceImplementation: `PyTorch torch_hopfield.py, median of ${output.dense.perRound.length} rounds` }),
        benchRatio: { field: 'oursOverReference.medianOfPairedRounds', value: output.oursOverReference.medianOfPairedRounds },
        others: Object.entries(queriesPerSecond)
          .filter(([name]) => name !== kept)
          .map(([name, value]) => ({ implementation: `dense TF.js (${name})`, value })),
      }),
      // Approximate retrievals on the same memory: workloads of their own, with no PyTorch counterpart.
      ...output.spiking.results.map((r) =>
        workloadRow({ workload: `Hopfield spiking retrieval ${r.name}`, implementation: 'spikingRetrieval', unit: 'queries/s', batch, ours: r.queriesPerSecond }),
      ),
    ],
    referenceOutputs: 'output' in reference && reference.output !== null ? [reference.output] : [],
    versions: {},
  };
};

// ---------------------------------------------------------------------------------------------------
// apps/benchmarks/bench/onnx-inference.bench.ts (no PyTorch reference: onnxruntime-node is ours, TF.js the comparison)

const onnxModelResult = z.object({
  parity: z.object({ rows: z.number(), pass: z.boolean(), maxAbsDiff: z.number() }),
  batch1LatencyMs: z.object({ onnxruntime: z.number(), tfjs: z.number() }),
  batch256: z.object({ samplesPerSecond: z.object({ onnxruntime: z.number(), tfjs: z.number() }) }),
});

const onnxInferenceOutput = z.object({
  benchmark: z.literal('onnx-inference'),
  results: z.record(z.string(), onnxModelResult),
  versions: z.object({ onnxruntimeNode: z.string() }),
});

const ONNX_MODEL_NAMES: Record<string, string> = {
  'dense-mlp': 'dense MLP 784-400-400-10',
  'spiking-mlp': 'LIF network 784-1000-10, T = 25',
};

export const onnxInferenceAdapter: BenchAdapter = (json) => {
  const output = parseOutput('onnx-inference', onnxInferenceOutput, json);
  return {
    rows: Object.entries(output.results).flatMap(([model, r]) => {
      const workload = `ONNX inference, ${ONNX_MODEL_NAMES[model] ?? model}`;
      const notes = r.parity.pass ? [] : [`parity with TF.js FAILED on ${r.parity.rows} rows (max abs diff ${r.parity.maxAbsDiff})`];
      return [
        workloadRow({ workload, implementation: 'onnxruntime-node', unit: 'ms', batch: 1, ours: r.batch1LatencyMs.onnxruntime, others: [{ implementation: 'TF.js', value: r.batch1LatencyMs.tfjs }], notes }),
        workloadRow({ workload, implementation: 'onnxruntime-node', unit: 'samples/s', batch: 256, ours: r.batch256.samplesPerSecond.onnxruntime, others: [{ implementation: 'TF.js', value: r.batch256.samplesPerSecond.tfjs }], notes }),
      ];
    }),
    referenceOutputs: [],
    versions: { onnxruntimeNode: output.versions.onnxruntimeNode },
  };
};

// ---------------------------------------------------------------------------------------------------
// packages/datasets/bench/datasets.bench.ts (no reference)

const datasetsOutput = z.object({
  benchmark: z.literal('@cristal/datasets'),
  mnistColdLoadMs: z.number(),
  mnistCachedLoadMs: z.number(),
  rotate45TestSetMs: z.number(),
  rotateAll13AnglesTestSetMs: z.number(),
  gaussianNoise32TestSetMs: z.number(),
  fashionMnistFromJsonMs: z.number(),
  fashionMnistFromCacheMs: z.number(),
  iterator: z.object({ batchSize: z.number(), imagesPerSecond: z.number() }),
});

export const datasetsAdapter: BenchAdapter = (json) => {
  const output = parseOutput('@cristal/datasets', datasetsOutput, json);
  const timed = (workload: string, ms: number) => workloadRow({ workload, implementation: '@cristal/datasets', unit: 'ms', batch: null, ours: ms });
  return {
    // The default cache's load (fashionMnistDefaultCacheLoad) is left out: it reads the JSON or the
    // cache depending on what an earlier run left, so it is not comparable between runs.
    rows: [
      timed('MNIST load, cold (IDX files)', output.mnistColdLoadMs),
      timed('MNIST load, cached in the process', output.mnistCachedLoadMs),
      timed('rotate the MNIST test set by 45°', output.rotate45TestSetMs),
      timed('rotate the MNIST test set by all 13 angles', output.rotateAll13AnglesTestSetMs),
      timed('Gaussian noise (std 32) on the MNIST test set', output.gaussianNoise32TestSetMs),
      timed('Fashion-MNIST load from the package JSON (writes the cache)', output.fashionMnistFromJsonMs),
      timed('Fashion-MNIST load from the IDX cache', output.fashionMnistFromCacheMs),
      workloadRow({ workload: 'BatchIterator, one MNIST training epoch', implementation: '@cristal/datasets', unit: 'images/s', batch: output.iterator.batchSize, ours: output.iterator.imagesPerSecond }),
    ],
    referenceOutputs: [],
    versions: {},
  };
};

// ---------------------------------------------------------------------------------------------------
// packages/tensor/bench/adam.bench.ts (no PyTorch reference: tf.train.adam is the comparison)

const adamUpdateOutput = z.object({
  benchmark: z.literal('adam-update'),
  parameters: z.number(),
  tfTrainAdamMs: z.number(),
  fusedAdamMs: z.number(),
  fusedKernel: z.string(),
});

export const adamUpdateAdapter: BenchAdapter = (json) => {
  const output = parseOutput('adam-update', adamUpdateOutput, json);
  return {
    rows: [
      workloadRow({
        workload: `Adam update, ${formatCount(output.parameters)} parameters`,
        implementation: `fused Adam (${output.fusedKernel})`,
        unit: 'ms',
        batch: null,
        ours: output.fusedAdamMs,
        others: [{ implementation: 'tf.train.adam', value: output.tfTrainAdamMs }],
      }),
    ],
    referenceOutputs: [],
    versions: {},
  };
};
