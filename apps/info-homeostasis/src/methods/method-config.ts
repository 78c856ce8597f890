import { z } from 'zod';
import { ARCHITECTURES } from '../models/architecture';

export const METHODS = ['deterministic', 'temperature-scaling', 'mc-dropout', 'deep-ensemble', 'bbb', 'bbb-warmup', 'ivon', 'homeostatic'] as const;
export type MethodName = (typeof METHODS)[number];

/** Stochastic methods: their predictive averages samples, and they export as a K-sample ensemble. */
export const STOCHASTIC_METHODS: readonly MethodName[] = ['mc-dropout', 'bbb', 'bbb-warmup', 'ivon', 'homeostatic'];

const loopGains = (kp: number, ki: number, min: number, max: number, what: string) =>
  z
    .object({
      kp: z.number().min(0).default(kp).describe('Proportional gain (ln actuator per unit of error).'),
      ki: z.number().min(0).default(ki).describe('Integral gain (per unit of error and per update).'),
      min: z.number().positive().default(min).describe(`Lower bound of the ${what}.`),
      max: z.number().positive().default(max).describe(`Upper bound of the ${what}.`),
    })
    .default({ kp, ki, min, max })
    .describe(`PI gains and actuator range of the loop acting on the ${what} (defaults and their reasons: src/control/homeostat-config.ts).`);

const homeostasis = z
  .object({
    klLoop: z.boolean().default(true).describe("Regulate each layer's KL per parameter (sensor) through its KL weight (actuator); false holds the KL weights at 1 (the sensor is still logged)."),
    snrLoop: z.boolean().default(true).describe("Regulate each layer's pre-activation SNR (sensor) through its posterior noise temperature (actuator); false holds the temperatures at 1."),
    setPoint: z.enum(['fixed', 'early']).default('early').describe("fixed: klSetPoint and snrSetPointDb; early: each layer's set point is the median of its first `warmupUpdates` measurements after `setPointDelayUpdates` ignored ones."),
    klSetPoint: z.number().positive().default(0.05).describe('Fixed set point of the KL loop, nats per parameter.'),
    snrSetPointDb: z.number().default(20).describe('Fixed set point of the SNR loop, dB.'),
    warmupUpdates: z.number().int().min(1).default(10).describe('Controller updates that only record measurements, for the early set point.'),
    setPointDelayUpdates: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Early set point only: controller updates to ignore before the warm-up records (0: from the start; e.g. 100 of the full profile\'s 195 takes the set point halfway through training).'),
    updateEvery: z.number().int().min(1).default(20).describe('Optimiser steps between controller updates.'),
    antiWindup: z.enum(['conditional', 'back-calculation', 'none']).default('back-calculation').describe('Integrator anti-windup scheme of both loops (none only for the ablation).'),
    kl: loopGains(0.5, 0.05, 0.1, 10, 'KL-weight multiplier'),
    snr: loopGains(0.03, 0.03, 0.5, 2, 'noise temperature'),
    trustRegion: z
      .number()
      .min(0)
      .default(0)
      .describe('Fisher trust region on each step: cap on 0.5 dmu^T F dmu (nats per example) of the step of the means, F the diagonal Fisher of the posterior-mean network on the probe batch, refreshed at every controller update (0: off).'),
    fisherEvery: z.number().int().min(0).default(5).describe('Controller updates between Fisher-trace readings (0: never, unless the trust region needs them).'),
    probeExamples: z.number().int().min(16).max(10_000).default(256).describe('Fixed training images the sensors read (the same batch at every update, so trajectories compare).'),
  })
  .describe('Homeostatic regulation of information flow (method = homeostatic).');

export const methodSchema = z.object({
  method: z.enum(METHODS).default('bbb').describe(`Training method: ${METHODS.join(', ')}.`),
  architecture: z.enum(ARCHITECTURES).default('mlp').describe('mlp (784-hidden-10, ReLU) or lenet (LeNet-5: two 5x5 convolutions, 400-120-84-10).'),
  hidden: z.array(z.number().int().min(1)).min(1).default([400, 400]).describe('Hidden widths of the MLP.'),
  epochs: z.number().int().min(1).max(500).default(1).describe('Passes over the training set.'),
  batchSize: z.number().int().min(1).max(4096).default(128).describe('Examples per step.'),
  learningRate: z.number().positive().max(10).default(1e-3).describe('Adam step size (the start of the schedule); IVON uses ivon.learningRate.'),
  schedule: z.enum(['constant', 'cosine']).default('cosine').describe('Learning-rate schedule.'),
  trainExamples: z.number().int().min(0).max(50_000).default(0).describe('Use the first N of the 50,000 training images (0: all).'),
  maxSteps: z.number().int().min(0).default(0).describe('Stop after this many steps (0: no cap).'),
  predictiveSamples: z.number().int().min(1).max(1000).default(16).describe('S: posterior or dropout samples averaged by the predictive of stochastic methods.'),
  exportSamples: z.number().int().min(1).max(200).default(16).describe('K: weight (or dropout-mask) samples in the exported ONNX ensemble of stochastic methods.'),
  dropoutRate: z.number().min(0).lt(1).default(0.25).describe('Dropout rate of mc-dropout (before every dense layer but the first).'),
  ensembleSize: z.number().int().min(1).max(20).default(5).describe('Members of deep-ensemble.'),
  priorStd: z.number().positive().default(1).describe('Standard deviation of the N(0, s^2) prior of the variational methods.'),
  priorMixture: z
    .object({
      pi: z.number().gt(0).lt(1).describe('Weight of the wide component.'),
      std1: z.number().positive().describe('Standard deviation of the wide component.'),
      std2: z.number().positive().describe('Standard deviation of the narrow component.'),
    })
    .nullable()
    .default(null)
    .describe("Blundell et al.'s scale-mixture prior pi N(0, std1^2) + (1 - pi) N(0, std2^2) instead of N(0, priorStd^2), its KL estimated by Monte Carlo; null: the Gaussian prior."),
  rhoInit: z.number().default(-5).describe('Initial raw scale of the variational posteriors (sigma = softplus(rho)).'),
  klWarmupFraction: z.number().gt(0).max(1).default(0.3).describe('bbb-warmup: the KL weight rises linearly from 0 to 1 over this fraction of the steps.'),
  ivon: z
    .object({
      learningRate: z.number().positive().default(0.5).describe('IVON step size alpha (0.5 with h0 0.5: 0.904 after one quick-profile epoch, against 0.80 at 0.1 with h0 0.05).'),
      hessInit: z.number().positive().default(0.5).describe('h0, the initial curvature.'),
      weightDecay: z.number().positive().default(1e-4).describe('delta: prior precision per example.'),
      mcSamples: z.number().int().min(1).default(1).describe('Weight samples per step.'),
    })
    .default({ learningRate: 0.5, hessInit: 0.5, weightDecay: 1e-4, mcSamples: 1 })
    .describe('IVON natural-gradient VI (method = ivon).'),
  homeostasis: homeostasis.default(homeostasis.parse({})),
  checkpointEvery: z.number().int().min(0).default(500).describe('Checkpoint every N steps (0: only on interruption).'),
});

/** The schema of an experiment that trains one method and exports it: the method's fields and the ONNX check. */
export const exportingMethodSchema = methodSchema.extend({
  verifyOnnx: z.boolean().default(true).describe('Score the exported model.onnx with onnxruntime-node on the test set and record its accuracy.'),
});

export type MethodConfig = z.infer<typeof methodSchema>;
export type HomeostasisConfig = MethodConfig['homeostasis'];
