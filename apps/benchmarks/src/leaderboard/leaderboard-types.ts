/**
 * The leaderboard's data: every number is measured on the exported ONNX file through onnxruntime-node,
 * on the same images for every model. The report renderers (src/report/) read only these types.
 */

/**
 * One confidence bin of a reliability diagram: 15 equal-width bins as ECE uses, plus, as in
 * torchmetrics, a 16th bin [1, 1] when some confidence is exactly 1 (listed only when non-empty).
 */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-label confidence of the bin's images (0 when empty). */
  confidence: number;
  /** Fraction of the bin's images classified right (0 when empty). */
  accuracy: number;
}

/** Accuracy and calibration on the MNIST test set rotated by `degrees`. */
export interface RotationScore {
  degrees: number;
  accuracy: number;
  ece: number;
}

/**
 * What one inference costs per sample, and how that was obtained. When the file gives no way to
 * count its operations (an operator the static shape pass does not know, a spiking model without
 * its cost metadata), the counts are null and `unavailable` says why: the model is still scored.
 */
export interface ModelCost {
  /** Trainable numbers in the file: the element count of its float initializers. */
  parameters: number;
  /** Dense multiply-accumulates per sample (for a spiking model: the non-event-driven part only). */
  macsPerSample: number | null;
  /** Synaptic operations (accumulates triggered by spikes) per sample; null for a non-spiking model. */
  sopsPerSample: number | null;
  /** macs x E_MAC + sops x E_AC, in nanojoules, under `energyModel`. */
  energyNanojoulesPerSample: number | null;
  /** e.g. 'fp32-45nm (4.6 pJ/MAC, 0.9 pJ/AC)'. */
  energyModel: string;
  /** Where macsPerSample came from: the exporter's metadata, or counted on the graph. */
  macsSource: 'metadata' | 'graph' | null;
  /** Why the operation counts are missing, when they are. */
  unavailable?: string;
}

/** onnxruntime-node timings of the file on this machine (medians of repeated runs). */
export interface InferenceSpeed {
  /** Batch 1: milliseconds per sample. */
  latencyMs: number;
  /** Batch `throughputBatch`: samples per second. */
  throughputPerSecond: number;
  throughputBatch: number;
}

/** How a row that averages several seeds spreads: sample standard deviations over the seeds. */
export interface SeedSpread {
  count: number;
  /** The run (or file) of each seed, in seed order. */
  sources: string[];
  std: { accuracy: number; nll: number; ece: number; brier: number; oodAuroc: number };
}

/** One model's row on the leaderboard. */
export interface ModelScore {
  /** Unique key, e.g. 'fc-snn' (file names, chart series). */
  id: string;
  /** Display name, e.g. 'FC SNN (LIF 784-1000-10, T 25)'. */
  label: string;
  /** The project that trained it, or 'external' for a file given with --models. */
  project: string;
  /** The file's `modelFamily` metadata ('unknown' when absent). */
  family: string;
  /** The run id that trained it, or the file path given. */
  source: string;
  /** Path of the scored file, relative to the report's directory. */
  onnxFile: string;
  spiking: boolean;
  /** MNIST test set (10,000 images). */
  test: { accuracy: number; nll: number; ece: number; brier: number; reliability: ReliabilityBin[] };
  /** Rotated MNIST test set, in increasing degrees; the first entry is 0 degrees. */
  rotation: RotationScore[];
  /** Fashion-MNIST test images against MNIST test images, scored by the maximum probability. */
  oodAuroc: number;
  cost: ModelCost;
  speed: InferenceSpeed;
  /** Present when the row is the mean over several seeds (the full profile). */
  seeds?: SeedSpread;
}

/** A whole leaderboard: the rows and everything needed to reproduce and interpret them. */
export interface Leaderboard {
  /** 'quick' | 'full' | 'models' (files given on the command line). */
  profile: string;
  /** ISO time the scoring finished. */
  createdAt: string;
  /** The command that produced it, e.g. 'npm start'. */
  command: string;
  /** Run id in the lab store, when recorded. */
  runId?: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string };
  versions: Record<string, string>;
  /** The identical data every model saw. */
  data: { test: string; testImages: number; ood: string; oodImages: number; rotations: number[] };
  models: ModelScore[];
  /** With several seeds per model: every seed's own row, of which `models` holds the means. */
  seedScores?: ModelScore[];
}
