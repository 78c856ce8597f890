// The speed benches the suite runs, in order, with the arguments it gives each. They run one after the
// other (the machine has 2 cores; two benches at once would measure each other). The default arguments
// trade a little time for steadier medians on a shared machine: more measured steps and more paired
// rounds than each bench's own defaults where that is cheap; the quick ones are the fewest steps that
// still exercise every path and print every field (a smoke run). Durations are in the README.
import {
  adamUpdateAdapter,
  bnnTrainingAdapter,
  datasetsAdapter,
  hopfieldRetrievalAdapter,
  onnxInferenceAdapter,
  pcTrainingAdapter,
  snnTrainingAdapter,
  type BenchAdapter,
} from './perf-workloads';

export type SuiteMode = 'default' | 'quick';

export interface BenchSpec {
  /** The Nx project, which `--only` and `--bench-args` name. */
  project: string;
  /** Project directory, relative to the workspace root: the bench runs there, as its Nx target does. */
  projectRoot: string;
  /** The bench script, relative to the project directory (what the project's `bench` target runs). */
  script: string;
  /** The Nx target that runs this bench on its own. */
  target: string;
  /** The bench's positional arguments, as its header comment documents them. */
  usage: string;
  args: Record<SuiteMode, readonly string[]>;
  /** Environment variables set for the bench in a mode, unless the caller's environment already sets them. */
  env: Partial<Record<SuiteMode, Readonly<Record<string, string>>>>;
  adapter: BenchAdapter;
}

export const PERF_BENCHES: readonly BenchSpec[] = [
  {
    project: 'spiking',
    projectRoot: 'packages/spiking',
    script: 'bench/snn-training.bench.ts',
    target: 'spiking:bench',
    usage: '[batch sizes, comma-separated] [measured steps]; env REFERENCE_RUNS (PyTorch runs per batch, default 3)',
    // the bench's own default is 10 steps; PyTorch's best of 3 runs is kept
    args: { default: ['32,128,512', '100'], quick: ['128', '5'] },
    env: { quick: { REFERENCE_RUNS: '1' } },
    adapter: snnTrainingAdapter,
  },
  {
    project: 'bayesian',
    projectRoot: 'packages/bayesian',
    script: 'bench/bnn-training.bench.ts',
    target: 'bayesian:bench',
    usage: '[batch sizes, comma-separated] [measured steps]',
    // the bench's own default is 30 steps; PyTorch runs once per batch over the same number of steps
    args: { default: ['32,128,512', '200'], quick: ['128', '5'] },
    env: {},
    adapter: bnnTrainingAdapter,
  },
  {
    project: 'predictive-coding',
    projectRoot: 'apps/predictive-coding',
    script: 'bench/pc-training.bench.ts',
    target: 'predictive-coding:bench',
    usage: '[batch] [training steps per measurement] [rounds]',
    // an even number of rounds: as many with ours first as with PyTorch first (ABBA)
    args: { default: ['128', '20', '20'], quick: ['128', '5', '1'] },
    env: {},
    adapter: pcTrainingAdapter,
  },
  {
    project: 'spiking-hopfield',
    projectRoot: 'apps/spiking-hopfield',
    script: 'bench/hopfield-retrieval.bench.ts',
    target: 'spiking-hopfield:bench',
    usage: '[repetitions per round] [paired rounds]',
    // the noisiest comparison (its README: per-run ratios 1.06 to 1.54), so three times the rounds;
    // the five spiking retrievals after the rounds take a fixed ~30 s that no argument changes
    args: { default: ['10', '12'], quick: ['2', '1'] },
    env: {},
    adapter: hopfieldRetrievalAdapter,
  },
  {
    project: 'benchmarks',
    projectRoot: 'apps/benchmarks',
    script: 'bench/onnx-inference.bench.ts',
    target: 'benchmarks:bench-onnx',
    usage: '[repetitions at batch 1] [repetitions at batch 256]',
    args: { default: ['500', '50'], quick: ['20', '5'] },
    env: {},
    adapter: onnxInferenceAdapter,
  },
  {
    project: 'datasets',
    projectRoot: 'packages/datasets',
    script: 'bench/datasets.bench.ts',
    target: 'datasets:bench',
    usage: '(no arguments)',
    args: { default: [], quick: [] },
    env: {},
    adapter: datasetsAdapter,
  },
  {
    project: 'tensor',
    projectRoot: 'packages/tensor',
    script: 'bench/adam.bench.ts',
    target: 'tensor:bench',
    usage: '[repetitions]',
    args: { default: ['200'], quick: ['10'] },
    env: {},
    adapter: adamUpdateAdapter,
  },
];

/** The environment variables the suite adds for a bench: the mode's, except those the caller already set. */
export function benchEnvOverrides(spec: BenchSpec, mode: SuiteMode, callerEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(spec.env[mode] ?? {}).filter(([name]) => callerEnv[name] === undefined));
}
