import { exportBayesianNetwork, exportModelEnsemble, type Sequential } from '@cristal/bayesian';
import { writeModelFile } from '@cristal/onnx';
import type { PcArchitecture } from '../pc/architecture';
import type { PcParams } from '../pc/params';
import { assertClassifierShape, pcExtraMetadata, PC_METADATA_KEYS, type PcExportOptions } from './export-options';
import { pcPointSequential } from './pc-sequential';

/**
 * The PC network's test-time predictor (or its backprop twin's: same parameters, same sweep) as an
 * ONNX classifier with the shared signature: p(y | x) = softmax(x̄_L), x̄_L the feedforward sweep.
 * Emitted by @cristal/bayesian's exportBayesianNetwork (posterior 'mean' of a point model is the
 * model itself): Gemm, Tanh, ..., Gemm, Softmax.
 */
export function exportPcPredictor(params: PcParams, architecture: PcArchitecture, options: PcExportOptions): Uint8Array {
  const label = 'exportPcPredictor';
  assertClassifierShape(architecture, label);
  const extraMetadata = pcExtraMetadata(options, label);
  const model = pcPointSequential(params, architecture);
  try {
    return exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata: options.metadata, extraMetadata, opset: options.opset });
  } finally {
    model.dispose();
  }
}

/** `exportPcPredictor` written atomically (temporary file, then rename). */
export function exportPcPredictorToFile(file: string, params: PcParams, architecture: PcArchitecture, options: PcExportOptions): void {
  writeModelFile(file, exportPcPredictor(params, architecture, options));
}

/**
 * K weight samples of Bayesian PC (each a full set of parameters) as one ONNX classifier:
 * p(y | x) = (1/K) sum_k softmax(x̄_L(x; W_k)), the K networks side by side (exportModelEnsemble
 * of K point models). `sampleSeed` is only recorded (bpc_sample_seed), to say which draw it is.
 */
export function exportPcEnsemble(samples: readonly PcParams[], architecture: PcArchitecture, options: PcExportOptions & { sampleSeed?: number }): Uint8Array {
  const label = 'exportPcEnsemble';
  assertClassifierShape(architecture, label);
  if (!Array.isArray(samples) || samples.length === 0) throw new Error(`${label}: pass a non-empty array of weight samples (PcParams), e.g. sampleWeightBeliefs(beliefs, K, seed).`);
  const own: Record<string, string> = { [PC_METADATA_KEYS.weightSamples]: String(samples.length) };
  if (options.sampleSeed !== undefined) own[PC_METADATA_KEYS.sampleSeed] = String(options.sampleSeed);
  const extraMetadata = pcExtraMetadata(options, label, own);
  const members: Sequential[] = [];
  try {
    for (const s of samples) members.push(pcPointSequential(s, architecture));
    return exportModelEnsemble(members, { posterior: { kind: 'mean' }, metadata: options.metadata, extraMetadata, opset: options.opset });
  } finally {
    members.forEach((m) => m.dispose());
  }
}

/** `exportPcEnsemble` written atomically. */
export function exportPcEnsembleToFile(file: string, samples: readonly PcParams[], architecture: PcArchitecture, options: PcExportOptions & { sampleSeed?: number }): void {
  writeModelFile(file, exportPcEnsemble(samples, architecture, options));
}
