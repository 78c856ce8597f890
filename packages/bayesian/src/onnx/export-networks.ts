import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, classifierMetadataProps } from '@cristal/onnx';
import { emitNetworks, emitPredictive } from './emit-network';
import { bayesianMetadata, type BayesianNetworkExportOptions, type ExportDescription } from './export-options';
import { foldDropoutMasks } from './fold-dropout';
import { disposePointNetworks, isWeighted, type LoweredNetwork, type PointNetwork } from './network-steps';

/** protobuf (and so every ONNX reader) cannot serialise a message of 2 GiB or more. */
const MAX_INITIALIZER_BYTES = 2 ** 31 - 2 ** 24;

/** The dense layers a sampled dropout mask folds into (their weights become per member). */
export function maskedDenseSteps(lowered: LoweredNetwork): Set<number> {
  const targets = new Set<number>();
  let masked = false;
  lowered.steps.forEach((step, i) => {
    if (step.kind === 'dropout' && step.rate > 0) masked = true;
    if (step.kind === 'dense') {
      if (masked) targets.add(i);
      masked = false;
    }
  });
  return targets;
}

/**
 * Refuses, before anything is sampled, an export whose initializers would pass protobuf's 2 GiB:
 * `copies(i)` is how many versions of step i's weights the file stores (1 when shared by every
 * network). `what` names the networks in the message, e.g. "8 weight samples".
 */
export function checkInitializerBytes(label: string, lowered: LoweredNetwork, copies: (stepIndex: number) => number, what: string): void {
  const bytes = lowered.steps.reduce((sum, step, i) => (isWeighted(step) ? sum + copies(i) * (step.weight.mu.size + (step.bias ? step.bias.mu.size : 0)) * 4 : sum), 0);
  if (bytes > MAX_INITIALIZER_BYTES) {
    throw new Error(`${label}: ${what} need ${(bytes / 2 ** 20).toFixed(0)} MiB of initializers, over the 2 GiB limit of an ONNX (protobuf) file; use fewer samples.`);
  }
}

export interface NetworkExport {
  /** Prefix of every message: the exporter's name. */
  label: string;
  graphName: string;
  options: BayesianNetworkExportOptions;
  description: ExportDescription;
  /** Draws the networks; called after the metadata is validated, so a bad option fails before any sampling. */
  networks: () => PointNetwork[];
}

/**
 * The shared back end of the exporters: metadata, then the networks with their dropout masks
 * folded into the weights, emitted side by side, softmax(logits / T) per network and the mean over
 * networks. Frees every tensor it drew, also when it fails.
 */
export function writeNetworks(job: NetworkExport): Uint8Array {
  const { options, description, label } = job;
  const metadata = classifierMetadataProps(options.metadata, bayesianMetadata(description, options.extraMetadata, label));
  const g = new GraphBuilder({ name: job.graphName, opset: options.opset });
  const x = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const networks = job.networks();
  const folded: PointNetwork[] = [];
  try {
    for (const n of networks) folded.push(foldDropoutMasks(n));
    g.output(emitPredictive(g, emitNetworks(g, x, folded), description.temperature), PROBABILITIES);
  } finally {
    disposePointNetworks([...networks, ...folded]);
  }
  return g.toBytes({ metadata });
}
