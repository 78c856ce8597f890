import { BatchIterator } from '@cristal/datasets';
import { defineExperiment } from '@cristal/runner';
import { tf, type Tensor2D } from '@cristal/tensor';
import { z } from 'zod';
import { backpropGradients } from '../backprop/backprop-gradients';
import { disposePcParams, initPcParams, pcArchitecture, pcTrainingStep, paramTensors, PC_ACTIVATIONS, resolvePcOptions, weightLayerCount, type PcArchitecture, type PcGradients, type PcOptionsInput, type PcParams } from '../pc';
import { datasetSplits } from './datasets';
import { EQUIVALENCE_PROFILES } from './profiles';

const schema = z.object({
  hidden: z.array(z.number().int().min(1)).min(1).default([256, 256]).describe('Hidden widths of the 784-...-10 network the oracles run on.'),
  activation: z.enum(PC_ACTIVATIONS).default('tanh').describe('Hidden activation.'),
  batchSize: z.number().int().min(1).default(64).describe('MNIST training images in the batch.'),
  gammas: z.array(z.number().positive()).min(2).default([0.1, 0.01, 0.001]).describe('Output precisions gamma of the nudged oracle (updates scaled by 1/gamma).'),
  convergedSteps: z.number().int().min(1).default(2000).describe('Inference steps used as "converged" for the nudged and hard-clamped oracles.'),
  convergedStepSize: z.number().positive().default(0.2).describe('Inference step size of the converged oracles.'),
  weightScale: z.number().positive().default(1).describe('Multiplies the initial weights (larger puts tanh units in their nonlinear range).'),
});
type EquivalenceConfig = z.infer<typeof schema>;

function flat(g: PcGradients): Float64Array {
  const parts = paramTensors(g).map((t) => t.dataSync() as Float32Array);
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ||a - b|| / ||b||. */
export function relativeNormDifference(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] ** 2;
    bb += b[i] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

interface Oracle {
  oracle: string;
  setting: string;
  relativeDifference: number;
  cosine: number;
}

function scaledParams(architecture: PcArchitecture, seed: number, scale: number): PcParams {
  const p = initPcParams(architecture, seed);
  if (scale === 1) return p;
  const scaled = { weights: p.weights.map((w) => tf.mul(w, scale) as typeof w), biases: p.biases.map((b) => tf.clone(b)) };
  disposePcParams(p);
  return scaled;
}

function runOracles(config: EquivalenceConfig, seed: number, x: Tensor2D, y: Tensor2D): Oracle[] {
  const architecture = pcArchitecture([784, ...config.hidden, 10], config.activation);
  const L = weightLayerCount(architecture);
  const params = scaledParams(architecture, seed, config.weightScale);
  const gradientsOf = (options: PcOptionsInput): Float64Array => {
    const { gradients } = pcTrainingStep(params, architecture, x, y, resolvePcOptions(architecture, options));
    try {
      return flat(gradients);
    } finally {
      tf.dispose(paramTensors(gradients));
    }
  };
  try {
    const bp = backpropGradients(params, architecture, x, y, 'squared-error');
    const backprop = flat(bp.gradients);
    tf.dispose(paramTensors(bp.gradients));
    const row = (oracle: string, setting: string, g: Float64Array): Oracle => ({ oracle, setting, relativeDifference: relativeNormDifference(g, backprop), cosine: cosine(g, backprop) });
    const rows: Oracle[] = [row('fixed predictions', `step size 1, T = L - 1 = ${L - 1}`, gradientsOf({ predictions: 'fixed', stepSize: 1, inferenceSteps: L - 1 }))];
    rows.push(row('fixed predictions', `step size 1, T = L - 2 = ${L - 2} (one step short)`, gradientsOf({ predictions: 'fixed', stepSize: 1, inferenceSteps: L - 2 })));
    const converged = { stepSize: config.convergedStepSize, inferenceSteps: config.convergedSteps };
    for (const gamma of config.gammas) rows.push(row('nudged output', `gamma = ${gamma}`, gradientsOf({ ...converged, target: { kind: 'nudged', precision: gamma } })));
    rows.push(row('hard-clamped output', `converged (T = ${config.convergedSteps})`, gradientsOf(converged)));
    rows.push(row('hard-clamped output', 'T = 20, step 0.05 (the pc-vs-bp setting)', gradientsOf({ stepSize: 0.05, inferenceSteps: 20 })));
    // the categorical output against backprop of the softmax cross-entropy
    const ce = backpropGradients(params, architecture, x, y, 'cross-entropy');
    const backpropCe = flat(ce.gradients);
    tf.dispose(paramTensors(ce.gradients));
    const categorical = gradientsOf({ output: 'categorical', predictions: 'fixed', stepSize: 1, inferenceSteps: L - 1 });
    rows.push({ oracle: 'categorical output, fixed predictions', setting: `step size 1, T = L - 1 = ${L - 1}, vs backprop of the cross-entropy`, relativeDifference: relativeNormDifference(categorical, backpropCe), cosine: cosine(categorical, backpropCe) });
    return rows;
  } finally {
    disposePcParams(params);
  }
}

function table(rows: Oracle[], config: EquivalenceConfig): string {
  return [
    `# PC local updates vs backprop gradients (784-${config.hidden.join('-')}-10 ${config.activation}, one MNIST batch of ${config.batchSize}; squared-error output unless the row says categorical)`,
    '',
    '| oracle | setting | relative difference ‖g_PC − g_BP‖ / ‖g_BP‖ | cosine |',
    '| --- | --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.oracle} | ${r.setting} | ${r.relativeDifference.toExponential(3)} | ${r.cosine.toFixed(6)} |`),
    '',
  ].join('\n');
}

/**
 * The equivalence of PC and backprop on a real batch: fixed predictions (step 1, T = L - 1) give the
 * backprop gradients to float32 precision; a nudged output with weak precision gamma approaches them
 * in proportion to gamma; a hard-clamped output does not converge to them.
 */
export const equivalence = defineExperiment({
  name: 'equivalence',
  description: 'PC local updates vs backprop gradients on an MNIST batch: fixed predictions, nudged output over gamma, hard clamp.',
  schema,
  profiles: EQUIVALENCE_PROFILES,
  run: async (ctx) => {
    const config = ctx.config;
    const { train } = datasetSplits('mnist');
    const iterator = new BatchIterator(train, { batchSize: config.batchSize, stream: ctx.random.data, labels: 'one-hot' });
    const batch = iterator.nextBatch();
    let rows: Oracle[];
    try {
      rows = runOracles(config, ctx.seed, batch.x, batch.y);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
    const nudged = rows.filter((r) => r.oracle === 'nudged output').map((r) => r.relativeDifference);
    const summary: Record<string, number> = {
      fixed_prediction_relative_difference: rows[0].relativeDifference,
      categorical_fixed_prediction_relative_difference: rows.find((r) => r.oracle.startsWith('categorical'))?.relativeDifference ?? NaN,
      hard_clamp_relative_difference: rows.find((r) => r.oracle === 'hard-clamped output')?.relativeDifference ?? NaN,
    };
    config.gammas.forEach((g, i) => (summary[`nudged_gamma_${g}`] = nudged[i]));
    for (let i = 1; i < nudged.length; i++) summary[`nudged_ratio_${i}`] = nudged[i - 1] / nudged[i];
    rows.forEach((r, i) => ctx.metrics.logMany({ relative_difference: r.relativeDifference, cosine: r.cosine }, { step: i, context: `${r.oracle}: ${r.setting}` }));
    ctx.artifacts.write('equivalence.json', `${JSON.stringify({ config, rows }, null, 2)}\n`);
    ctx.artifacts.write('equivalence.md', table(rows, config));
    return summary;
  },
});
