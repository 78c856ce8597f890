import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, classifierMetadataProps, writeModelFile } from '@cristal/onnx';
import type { Sequential } from '../models/sequential';
import { emitEnsembleLayers, emitPointLayers } from './emit-bayesian-mlp';
import { checkHasPosterior, sampleEnsembleWeights } from './ensemble-weights';
import { bayesianMetadata, checkPosterior, type BayesianMlpExportOptions } from './export-options';
import { lowerBayesianMlp, type LoweredMlp } from './lowered-mlp';
import { disposePointDenseLayers } from './point-dense-layers';
import { posteriorMeanLayers } from './posterior-mean-layers';

/** protobuf (and so every ONNX reader) cannot serialise a message of 2 GiB or more. */
const MAX_INITIALIZER_BYTES = 2 ** 31 - 2 ** 24;

function checkEnsembleBytes(lowered: LoweredMlp, samples: number): void {
  const bytes = lowered.layers.reduce((sum, l) => sum + (l.weight.rho ? samples : 1) * (l.inputSize + 1) * l.units * 4, 0);
  if (bytes > MAX_INITIALIZER_BYTES) {
    throw new Error(`exportBayesianMlp: ${samples} weight samples need ${(bytes / 2 ** 20).toFixed(0)} MiB of initializers, over the 2 GiB limit of an ONNX (protobuf) file; use fewer samples.`);
  }
}

/**
 * A Bayesian MLP (`Sequential` of dense variational, `Dense`, `Activation`, `McDropout`, `Flatten`
 * layers mapping 784 pixels to 10 logits) as a deterministic ONNX classifier with the shared
 * signature:
 * - `posterior: { kind: 'mean' }`: the posterior-mean network, softmax(f(x; mu)), a Gemm chain;
 * - `posterior: { kind: 'ensemble', samples: K, seed }`: K weight samples drawn now
 *   (`sampleEnsembleWeights`), probabilities (1/K) sum_k softmax(f(x; W_k)) from batched MatMuls over
 *   the stacked samples, a Softmax per sample and a ReduceMean over the samples.
 * `McDropout` is the identity in both (the deterministic weight-scaling pass of `mode: 'mean'`).
 */
export function exportBayesianMlp(model: Sequential, options: BayesianMlpExportOptions): Uint8Array {
  const { posterior } = options;
  checkPosterior(posterior);
  const lowered = lowerBayesianMlp(model);
  // before any sampling: a reserved key or a clash with the classifier keys fails fast
  const metadata = classifierMetadataProps(options.metadata, bayesianMetadata(posterior, lowered, options.extraMetadata));
  const g = new GraphBuilder({ name: posterior.kind === 'mean' ? 'bayesian_mlp_posterior_mean' : 'bayesian_mlp_ensemble', opset: options.opset });
  const x = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  if (posterior.kind === 'mean') {
    const layers = posteriorMeanLayers(model);
    try {
      const logits = emitPointLayers(g, x, layers);
      g.output(g.scope('output', () => g.softmax(logits, -1)), PROBABILITIES);
    } finally {
      disposePointDenseLayers(layers);
    }
  } else {
    checkHasPosterior(lowered);
    checkEnsembleBytes(lowered, posterior.samples);
    const members = sampleEnsembleWeights(model, posterior.samples, posterior.seed);
    try {
      const logits = emitEnsembleLayers(g, x, members, lowered.layers.map((l) => l.weight.rho !== null));
      // softmax per sample over the classes, then the mean over the sample axis 0: [K, batch, 10] -> [batch, 10]
      g.output(g.scope('output', () => g.reduceMean(g.softmax(logits, -1), [0], false)), PROBABILITIES);
    } finally {
      disposePointDenseLayers(members);
    }
  }
  return g.toBytes({ metadata });
}

/** `exportBayesianMlp` written to `file` atomically (a temporary file, then a rename). */
export function exportBayesianMlpToFile(file: string, model: Sequential, options: BayesianMlpExportOptions): void {
  writeModelFile(file, exportBayesianMlp(model, options));
}
