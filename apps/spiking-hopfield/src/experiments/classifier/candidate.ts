import type { ImageSet } from '@cristal/datasets';
import type { EnergyReport } from '@cristal/metrics';
import type { ClassifierMetadata } from '@cristal/onnx';
import type { TrainableClassifier } from '@cristal/runner';

/**
 * One model of the `classifier` experiment: something `fitClassifier` can train, that can count its
 * own arithmetic on the test set and export itself with the shared ONNX signature.
 */
export interface ClassifierCandidate {
  readonly modelFamily: string;
  readonly trainable: TrainableClassifier;
  /** Simulation steps of spiking models (recorded in the ONNX metadata); undefined for dense ones. */
  readonly timeSteps: number | undefined;
  /** Parameters (trainable values). */
  parameterCount(): number;
  /** Synaptic operations, MACs and energy per sample, measured on `set`. */
  energy(set: ImageSet): EnergyReport;
  /** The trained model as ONNX bytes. */
  exportOnnx(metadata: ClassifierMetadata): Uint8Array;
  dispose(): void;
}
