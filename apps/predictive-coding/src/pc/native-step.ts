import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcActivation, type PcArchitecture } from './architecture';
import type { PcGradients, PcParams } from './params';
import type { PcOptions } from './pc-options';

/**
 * The fused training step (native/pc_training_step.cc): the feedforward sweep, the T inference steps
 * and the local gradients of one batch in a single native call, the value nodes, errors and scaled
 * transposed weights resident throughout. The same equations as relax + localGradients, evaluated
 * with the workspace's packed SGEMM (packages/tensor/native/shared) instead of TensorFlow ops, so
 * the gradients agree with the TensorFlow path to float rounding, not bit for bit.
 *
 * Which path runs: `kernel` ('auto' by default, or CRISTAL_PC_KERNEL): 'auto' takes the fused step
 * whenever the addon is built and the configuration is one it implements (recomputed predictions,
 * clamped output, not incremental, no per-step energy record), 'native' insists on it (an error
 * says why it cannot), 'tf' always runs TensorFlow ops.
 */
export const PC_KERNELS = ['auto', 'native', 'tf'] as const;
export type PcKernel = (typeof PC_KERNELS)[number];

interface PcAddon {
  trainingStep(
    sizes: number[],
    batch: number,
    activation: number,
    categorical: boolean,
    inferenceSteps: number,
    stepSize: number,
    momentum: number,
    precisions: Float32Array,
    input: Float32Array,
    target: Float32Array,
    weights: Float32Array[],
    biases: Float32Array[],
    weightGradients: Float32Array[],
    biasGradients: Float32Array[],
    hiddenNodes: Float32Array[] | null,
    threads: number,
  ): void;
}

const ACTIVATION_CODES: Record<PcActivation, number> = { linear: 0, tanh: 1, sigmoid: 2, relu: 3 };

/** CRISTAL_NATIVE_THREADS caps the kernel's threads (default: the cores, at most 8), as for the other addons. */
export const PC_NATIVE_THREADS = Math.max(1, Number(process.env.CRISTAL_NATIVE_THREADS) || Math.min(os.cpus().length, 8));

let loaded: { addon: PcAddon | null; error: string | null } | null = null;
let warned = false;

function appRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('@cristal/predictive-coding: cannot find the app root.');
    dir = up;
  }
  return dir;
}

function loadAddon(): { addon: PcAddon | null; error: string | null } {
  if (!loaded) {
    const file = path.join(appRoot(), 'native', 'build', 'Release', 'cristal_pc.node');
    try {
      loaded = { addon: require(file) as PcAddon, error: null };
    } catch (error) {
      loaded = { addon: null, error: (error as Error).message.split('\n')[0] };
    }
  }
  return loaded;
}

/** The kernel choice: the explicit one, else CRISTAL_PC_KERNEL, else 'auto'. */
export function resolvePcKernel(kernel?: PcKernel): PcKernel {
  const wanted = kernel ?? (process.env.CRISTAL_PC_KERNEL as PcKernel | undefined) ?? 'auto';
  if (!(PC_KERNELS as readonly string[]).includes(wanted)) throw new Error(`PC kernel "${String(wanted)}" is unknown (CRISTAL_PC_KERNEL or the kernel option): use 'auto' (default), 'native' or 'tf'.`);
  return wanted;
}

/** Why the fused step cannot run this configuration, or null when it can. */
export function fusedStepUnsupported(options: PcOptions, recordEnergy: boolean): string | null {
  if (options.predictions !== 'recomputed') return 'it implements recomputed predictions only (not the fixed prediction assumption)';
  if (options.target.kind !== 'clamped') return 'it implements a clamped output only (not a nudged target)';
  if (options.incremental) return 'incremental PC updates the weights inside inference (pcIncrementalStep)';
  if (recordEnergy) return 'recording the energy at every inference step needs the step-by-step TensorFlow path';
  const unavailable = loadAddon().error;
  if (unavailable) return `the addon is not built (${unavailable}); run \`npm run build:native\``;
  return null;
}

/** Whether pcTrainingStep takes the fused native step for these options; throws if 'native' is asked for and cannot run. */
export function usesFusedStep(options: PcOptions, recordEnergy: boolean, kernel?: PcKernel): boolean {
  const choice = resolvePcKernel(kernel);
  if (choice === 'tf') return false;
  const reason = fusedStepUnsupported(options, recordEnergy);
  if (reason && choice === 'native') throw new Error(`The native PC kernel was requested but cannot run: ${reason}. Use kernel 'auto' or 'tf' (CRISTAL_PC_KERNEL).`);
  const missing = loadAddon().error;
  if (missing && !warned) {
    // a configuration the kernel does not implement is expected; a missing build is worth a word
    warned = true;
    process.emitWarning(`@cristal/predictive-coding: the fused native PC step is not built (${missing}); training on TensorFlow ops, about half as fast. Run \`npm run build:native\` to build it.`, { code: 'CRISTAL_PC_TF_KERNEL' });
  }
  return reason === null;
}

/** Which path trains (without per-step energy records), for run records and benchmark output; throws as usesFusedStep does. */
export function pcKernelInfo(options: PcOptions, kernel?: PcKernel): { kernel: 'native' | 'tf'; threads: number; reason: string | null } {
  const choice = resolvePcKernel(kernel);
  if (choice === 'tf') return { kernel: 'tf', threads: 0, reason: 'kernel tf requested' };
  if (usesFusedStep(options, false, choice)) return { kernel: 'native', threads: PC_NATIVE_THREADS, reason: null };
  return { kernel: 'tf', threads: 0, reason: fusedStepUnsupported(options, false) };
}

export interface FusedStepResult {
  readonly gradients: PcGradients;
  /** Relaxed hidden value nodes x_1 .. x_{L-1} (when asked for; tests compare them with relax). */
  readonly hiddenNodes: Float32Array[] | null;
}

/**
 * One PC training step through the fused kernel: the local gradients (new tensors, the caller
 * disposes them) of the batch after T inference steps. Validate options and shapes first
 * (resolvePcOptions, assertTarget); `fusedStepUnsupported` must be null. The numbers do not depend
 * on `threads` (each sum has one fixed order).
 */
export function fusedTrainingStep(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, options: PcOptions, withHiddenNodes = false, threads = PC_NATIVE_THREADS): FusedStepResult {
  const reason = fusedStepUnsupported(options, false);
  const addon = loadAddon().addon;
  if (reason || !addon) throw new Error(`fusedTrainingStep cannot run: ${reason}.`);
  const L = weightLayerCount(architecture);
  const { sizes } = architecture;
  const batch = input.shape[0];
  const weightGradients = Array.from({ length: L }, (_, l) => new Float32Array(sizes[l] * sizes[l + 1]));
  const biasGradients = Array.from({ length: L }, (_, l) => new Float32Array(sizes[l + 1]));
  const hiddenNodes = withHiddenNodes ? Array.from({ length: L - 1 }, (_, l) => new Float32Array(batch * sizes[l + 1])) : null;
  const weights = params.weights.map((w) => w.dataSync() as Float32Array);
  const biases = params.biases.map((b) => b.dataSync() as Float32Array);
  const values = (t: Tensor2D) => {
    const data = t.dataSync();
    if (!(data instanceof Float32Array)) throw new Error(`fusedTrainingStep needs float32 tensors, got ${t.dtype}.`);
    return data;
  };
  addon.trainingStep(
    [...sizes],
    batch,
    ACTIVATION_CODES[architecture.activation],
    options.output === 'categorical',
    options.inferenceSteps,
    options.stepSize,
    options.momentum,
    Float32Array.from(options.precisions),
    values(input),
    values(target),
    weights,
    biases,
    weightGradients,
    biasGradients,
    hiddenNodes,
    threads,
  );
  const gradients = {
    weights: weightGradients.map((g, l) => tf.tensor2d(g, [sizes[l], sizes[l + 1]])),
    biases: biasGradients.map((g) => tf.tensor1d(g) as Tensor1D),
  };
  return { gradients, hiddenNodes };
}
