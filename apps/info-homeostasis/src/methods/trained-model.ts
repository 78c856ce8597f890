import type { ImageSet } from '@cristal/datasets';
import type { ClassifierMetadata } from '@cristal/onnx';
import type { FitResult, RunContext } from '@cristal/runner';
import type { RandomStreams, Tensor2D, Tensor3D } from '@cristal/tensor';
import type { MethodConfig, MethodName } from './method-config';

/** Series recorded during training, e.g. `kl/dense1`, `kl_setpoint/dense1`: points [step, value]. */
export type Trajectories = Record<string, Array<readonly [number, number]>>;

/** The splits of the dataset-shift protocol a method sees. */
export interface MethodData {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

/** Everything a method's training needs from the experiment. */
export interface MethodRequest {
  ctx: RunContext<unknown>;
  config: MethodConfig;
  data: MethodData;
  /** Streams of this training (ctx.random for a whole run, a fresh seed per cell of a grid). */
  random: RandomStreams;
  /** Seed of this training (seeds the exported ensemble's samples). */
  seed: number;
  /** false inside experiments that run several trainings in one run (see fitClassifier). */
  resumable: boolean;
  /** Measure gradient norms at every step (stability). */
  gradientNorm?: boolean;
  /**
   * Read the information-flow sensors (KL, SNR, Fisher trace per layer) every
   * `homeostasis.updateEvery` steps and return their trajectories, without acting on them: the
   * uncontrolled reference for the homeostat's (stability). Only the variational methods sense.
   */
  sense?: boolean;
}

/** A trained method: its predictive, its samples for uncertainty, and its ONNX export. */
export interface TrainedModel {
  readonly method: MethodName;
  /** The predictive distribution [B, 10] (the average of the samples for stochastic methods). */
  predictive(x: Tensor2D): Tensor2D;
  /** [S, B, 10]: per-sample probabilities for the uncertainty decomposition (S = 1 for deterministic methods). */
  samples(x: Tensor2D): Tensor3D;
  exportOnnx(metadata: ClassifierMetadata): Uint8Array;
  readonly parameterCount: number;
  /** Fits, in order (one per ensemble member). */
  readonly fits: FitResult[];
  /** Scalars worth recording besides the test metrics (fitted temperature, final KL weights, ...). */
  readonly extras: Record<string, number>;
  /** Per-layer information-flow series recorded in training (sensed methods only). */
  readonly trajectories?: Trajectories;
  dispose(): void;
}
