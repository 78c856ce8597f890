// Canned outputs of the speed benches, written from each bench's final console.log: the same field
// names and nesting, numbers of the size the benches' READMEs report (made up for the tests, not
// measurements). Each has a variant whose PyTorch reference was skipped, shaped as the bench prints it.

const backend = { backend: 'tensorflow', native: true, requested: 'native', tfjs: '4.22.0', tensorflow: '2.21.0', node: '20.20.2', platform: 'linux-x64' };
const machine = { cpus: 2, cpuModel: 'AMD EPYC 9B14', memoryGiB: 24, loadAverage: [1.41, 1.62, 1.7] };
const SKIPPED = 'no reference: torch_snn.py not found in REFERENCE_DIR=/nowhere; set REFERENCE_DIR to the directory holding the torch_*.py scripts and REFERENCE_PYTHON to a Python with torch';

const steps = (samplesPerSecond: number, batch: number) => ({ samplesPerSecond, medianStepMs: (1e3 * batch) / samplesPerSecond });

/** packages/spiking/bench/snn-training.bench.ts, batches 32 and 512 (single-step runs only up to 128). */
export function snnTrainingOutput(options: { skipped?: boolean } = {}) {
  const result = (batch: number, fused: number, lifLinear: number, singleStep: number | null, torch: number) => {
    const reference = options.skipped
      ? { skipped: SKIPPED }
      : { samplesPerSecond: torch, runs: [torch * 0.9, torch, torch * 0.8], statistic: 'best of 3 runs', output: `torch 2.13.0+cpu threads=2 snn_train samples/s ${torch.toFixed(1)}` };
    const measured = (rate: number) => ({ ...steps(rate, batch), firstLoss: 2.3026, numTensorsBefore: 12, numTensorsAfter: 12 });
    return {
      batch,
      fused: measured(fused),
      lifLinear: measured(lifLinear),
      singleStep: singleStep === null ? null : measured(singleStep),
      reference,
      fusedOverReference: options.skipped ? null : fused / torch,
    };
  };
  return {
    benchmark: 'snn-training',
    workload: '784-1000-10 LIF, T=25, BPTT, Adam, fast-sigmoid surrogate',
    stepsMeasured: 10,
    statistic: 'ours: median step time; PyTorch: best throughput of its runs (REFERENCE_RUNS)',
    backend,
    kernel: 'native',
    nativeThreads: 2,
    optimizer: 'Adam (native)',
    machine,
    peakRssMiB: 707,
    results: [result(32, 6792, 2150, 326, 2032), result(512, 17858, 9907, null, 7226)],
  };
}

/** packages/bayesian/bench/bnn-training.bench.ts, batch 128. */
export function bnnTrainingOutput(options: { skipped?: boolean } = {}) {
  const measured = (rate: number) => ({ ...steps(rate, 128), numTensorsBefore: 30, numTensorsAfter: 30 });
  return {
    benchmark: 'bnn-training',
    workload: 'Bayes-by-backprop MLP 784-400-400-10, local reparameterisation, closed-form KL to N(0, 1) / 60000, Adam lr 1e-3',
    stepsMeasured: 30,
    statistic: 'median step time (reference: mean throughput over its steps)',
    backend,
    kernels: { kernels: 'native', threads: 2, reason: null },
    optimizer: 'Adam (native)',
    machine,
    peakRssMiB: 609,
    results: [
      {
        batch: 128,
        fused: measured(14495),
        composed: measured(3985),
        reference: options.skipped
          ? { skipped: 'reference failed: ModuleNotFoundError: No module named torch (ran /usr/bin/python3 /ref/torch_bnn.py; REFERENCE_PYTHON picks the Python, REFERENCE_DIR the directory of the scripts)' }
          : { samplesPerSecond: 7748, output: 'torch 2.13.0+cpu threads=2 bnn_train samples/s 7748.0' },
        noise: { medianMsPerStep: 0.19 },
        fusedOverReference: options.skipped ? null : 14495 / 7748,
      },
    ],
  };
}

/** apps/predictive-coding/bench/pc-training.bench.ts, 5 rounds. */
export function pcTrainingOutput(options: { skipped?: boolean } = {}) {
  const rate = (samplesPerSecond: number) => ({ samplesPerSecond, medianStepMs: Number(((1e3 * 128) / samplesPerSecond).toFixed(2)) });
  const torchRounds = options.skipped ? [null, null, null, null, null] : [6500, 6712, 6900, 6100, 6800];
  return {
    benchmark: 'pc-training',
    workload: 'discriminative PC, 784-256-256-10 tanh, batch 128, T = 20 inference steps of size 0.1 on hidden nodes (input and target clamped), local SGD lr 0.001; 20 training steps per measurement',
    statistic: 'samples/s of 20 consecutive training steps, 5 rounds (ours, tfOps, naive and torch interleaved ABBA); medians over rounds; ratio = median(ours) / median(torch)',
    backend,
    oursKernel: { kernel: 'native', threads: 2, reason: null },
    nativeOps: true,
    batch: 128,
    inferenceSteps: 20,
    machine: { cpuModel: 'AMD EPYC 9B14', cores: 2, memoryGiB: 24, loadAverage: [0.9, 1.1, 1.2] },
    ours: rate(12429),
    tfOps: rate(6017),
    naiveTfjs: rate(2571),
    torch: options.skipped
      ? { skipped: 'no reference: no Python with torch (REFERENCE_PYTHON is unset and /home/u/.cache/reference-venv/bin/python does not exist); set REFERENCE_DIR ... and REFERENCE_PYTHON ...' }
      : { samplesPerSecond: 6712, best: 6900, version: '2.13.0+cpu', output: 'torch 2.13.0+cpu threads=2 pc_train samples/s 6712.0', script: '/work/shared/reference/torch_pc.py' },
    oursOverTorch: options.skipped ? null : 1.852,
    bestOverBest: options.skipped ? null : 1.9,
    pairedRatios: options.skipped ? [] : [1.9, 1.85, 1.8, 2.0, 1.83],
    tfOpsOverTorch: options.skipped ? null : 0.896,
    oursOverTfOps: 2.066,
    oursOverNaive: 4.834,
    perRound: torchRounds.map((torch) => ({ ours: 12429, tfOps: 6017, naive: 2571, torch })),
    numTensors: { before: 20, after: 20 },
    peakRssMiB: 620,
  };
}

/** apps/spiking-hopfield/bench/hopfield-retrieval.bench.ts, 4 rounds, two of the five spiking readouts. */
export function hopfieldRetrievalOutput(options: { skipped?: boolean } = {}) {
  const ours = { 'stored X^T': 5093, 'matMul transposeB': 4682 };
  const reference = options.skipped
    ? { skipped: 'no reference: torch_hopfield.py not found in the default /work/shared/reference, REFERENCE_DIR being unset; set REFERENCE_DIR ... and REFERENCE_PYTHON ...' }
    : { script: '/work/shared/reference/torch_hopfield.py', queriesPerSecond: 3715, output: 'torch 2.13.0+cpu threads=2 hopfield queries/s 3715.0 GFLOP/s 46.6' };
  return {
    benchmark: 'hopfield-retrieval',
    workload: 'modern Hopfield retrieval, one step: N = 10000 stored patterns, d = 784, 1024 queries, beta = 8 / sqrt(d) = 0.2857, random normal patterns and queries',
    statistic: 'median over 10 repetitions after 2 warm-ups, per round; 4 paired rounds (ours then PyTorch, then PyTorch then ours, ...); the headline ratio is the median of the per-round ratios',
    dense: {
      queriesPerSecond: ours,
      kept: 'stored X^T',
      perRound: [0, 1, 2, 3].map(() => ({ ours, reference: options.skipped ? null : 3715 })),
    },
    reference,
    oursOverReference: {
      medianOfPairedRounds: options.skipped ? null : 1.36,
      ratioOfMedians: options.skipped ? null : 5093 / 3715,
      perRound: options.skipped ? [] : [1.37, 1.55, 1.3, 1.36],
    },
    spiking: {
      note: 'median of 3 calls after one warm-up, 1024 queries per call, N = 10000, d = 784; ...',
      results: [
        {
          name: '(a) escape-noise neurons',
          coding: 'rate',
          inputSteps: 16,
          gain: 1,
          readout: { kind: 'escape-noise', steps: 64, maxRate: 0.5, sampler: 'counts' },
          queriesPerSecond: 1346,
          medianCallMs: 760.8,
          meanAbsErrorVsDense: 0.43,
          winnerIsDenseArgmax: 0.452,
          undecided: 0,
          meanDecisionStep: null,
          inputSpikesPerQuery: 3003,
          memorySpikesPerQuery: 64,
          synapticOpsPerQuery: 30.1e6,
          denseMacsPerQuery: 15.68e6,
          energyPerQueryJ: { spiking: 2.7e-5, dense: 7.2e-5, ratio: 0.375, model: '45 nm' },
        },
        {
          name: '(b) latency winner-take-all, late threshold',
          coding: 'rate',
          inputSteps: 32,
          gain: 1,
          readout: { kind: 'latency-wta', threshold: 450 },
          queriesPerSecond: 293,
          medianCallMs: 3494.9,
          meanAbsErrorVsDense: 0.588,
          winnerIsDenseArgmax: 0.447,
          undecided: 3,
          meanDecisionStep: 12.8,
          inputSpikesPerQuery: 2563,
          memorySpikesPerQuery: 1,
          synapticOpsPerQuery: 25.6e6,
          denseMacsPerQuery: 15.68e6,
          energyPerQueryJ: { spiking: 2.3e-5, dense: 7.2e-5, ratio: 0.32, model: '45 nm' },
        },
      ],
    },
    backend,
    machine,
    peakRssMiB: 900,
    numTensorsAfterSpikingRuns: 6,
  };
}

/** apps/benchmarks/bench/onnx-inference.bench.ts (no reference: onnxruntime-node against TF.js). */
export function onnxInferenceOutput(options: { parityFails?: boolean } = {}) {
  const model = (workload: string, ort1: number, tfjs1: number, ort256: number, tfjs256: number, parityRows: number) => ({
    workload,
    parity: { rows: parityRows, pass: !options.parityFails, maxAbsDiff: options.parityFails ? 0.5 : 3e-8, maxRelDiff: 1e-7 },
    modelBytes: 1_300_000,
    opset: 21,
    batch1LatencyMs: { onnxruntime: ort1, tfjs: tfjs1, tfjsOverOnnxruntime: tfjs1 / ort1 },
    batch256: {
      medianMs: { onnxruntime: ort256, tfjs: tfjs256 },
      samplesPerSecond: { onnxruntime: 256 / (ort256 / 1e3), tfjs: 256 / (tfjs256 / 1e3) },
      onnxruntimeOverTfjs: tfjs256 / ort256,
    },
  });
  return {
    benchmark: 'onnx-inference',
    statistic: 'median over repetitions (after 10 warm-up calls); time until the probabilities are in a Float32Array',
    repetitions: { batch1: 200, batch256: 30 },
    results: {
      'dense-mlp': model('dense MLP 784-400-400-10, ReLU, softmax; TF.js: tf.sequential predict', 0.052, 1.22, 1.48, 12.7, 256),
      'spiking-mlp': model('LIF network 784-1000-10, T = 25, direct current, mean-membrane readout; TF.js: spikingMlpForward (step by step)', 0.36, 17.0, 11.0, 71.1, 79),
    },
    versions: { node: 'v20.20.2', onnxruntimeNode: '1.30.0' },
    onnxruntimeThreads: 'default (one per physical core)',
    backend,
    machine: { cpus: 2, cpuModel: 'AMD EPYC 9B14', memoryGiB: 24 },
  };
}

/** packages/datasets/bench/datasets.bench.ts (no reference). */
export function datasetsOutput() {
  return {
    benchmark: '@cristal/datasets',
    mnistColdLoadMs: 139,
    mnistCachedLoadMs: 0.1,
    rotate45TestSetMs: 100,
    rotateAll13AnglesTestSetMs: 805,
    gaussianNoise32TestSetMs: 298,
    fashionMnistFromJsonMs: 2337,
    fashionMnistFromJsonOrigin: 'json',
    fashionMnistFromCacheMs: 124,
    fashionMnistFromCacheOrigin: 'cache',
    fashionMnistDefaultCacheLoad: { ms: 130.2, from: 'cache', dir: '/home/u/.cache/cristal/datasets' },
    iterator: { set: 'mnist-train', images: 60000, batchSize: 128, batches: 469, epochMs: 219, batchesPerSecond: 2141.6, imagesPerSecond: 273973 },
    backend,
    node: 'v20.20.2',
    cpu: { model: 'AMD EPYC 9B14', count: 2 },
  };
}

/** packages/tensor/bench/adam.bench.ts (no PyTorch reference: tf.train.adam for scale). */
export function adamUpdateOutput() {
  return {
    benchmark: 'adam-update',
    parameters: 795010,
    repetitions: 30,
    statistic: 'median update time, ms',
    tfTrainAdamMs: 9.5,
    fusedAdamMs: 0.48,
    fusedKernel: 'native',
    speedup: 9.5 / 0.48,
    backend,
    machine: { cpus: 2, cpuModel: 'AMD EPYC 9B14' },
  };
}

/** A bench's stdout as it looks in a real run: log lines before the document, printed by console.log(JSON.stringify(x, null, 2)). */
export function benchStdout(document: unknown, options: { before?: string[]; after?: string[] } = {}): string {
  return [...(options.before ?? []), JSON.stringify(document, null, 2), ...(options.after ?? [])].join('\n') + '\n';
}
