import type { Tensor2D } from '@cristal/tensor';
import { BackpropTrainer } from '../backprop';
import { PcTrainer, weightLayerCount, type PcArchitecture, type PcParamValues } from '../pc';
import type { SpikingBatchReport } from './spiking-pc-run';
import type { OnlineLearner } from './stream-runner';
import { feedforwardMacs, predictionMacsPerStep } from './synaptic-operations';

/**
 * The non-spiking twins on the same stream, for comparison: the PC core (deterministic errors,
 * T inference steps, SGD on the local gradients) and backprop (SGD on the squared error), both
 * from the same seeded initialisation as the spiking learner. They emit no spikes; their reports
 * count the feedforward sweep and, for PC, the predictions recomputed at each inference step.
 */
export type BaselineKind = 'pc' | 'backprop';

export function baselineLearner(kind: BaselineKind, options: { architecture: PcArchitecture; seed: number; learningRate: number; inferenceSteps: number; stepSize: number }): OnlineLearner & { snapshot(): PcParamValues; dispose(): void } {
  if (kind !== 'pc' && kind !== 'backprop') throw new Error(`Unknown baseline "${String(kind)}": use 'pc' (the PC core) or 'backprop'.`);
  const { architecture, seed, learningRate, inferenceSteps, stepSize } = options;
  const optimizer = { kind: 'sgd' as const, learningRate };
  const trainer =
    kind === 'pc' ? new PcTrainer({ architecture, seed, pc: { inferenceSteps, stepSize }, optimizer }) : new BackpropTrainer({ architecture, seed, loss: 'squared-error', optimizer });
  const L = weightLayerCount(architecture);
  return {
    architecture,
    learn(input: Tensor2D, target: Tensor2D): SpikingBatchReport {
      trainer.step(input, target);
      const b = input.shape[0];
      const steps = kind === 'pc' ? inferenceSteps : 0;
      return {
        samples: b,
        timeSteps: steps,
        spikes: new Array<number>(L).fill(0),
        clippedUnitSteps: new Array<number>(L).fill(0),
        unitSteps: architecture.sizes.slice(1).map((n) => b * steps * n),
        synapticOps: 0,
        feedforwardMacs: b * feedforwardMacs(architecture),
        predictionMacs: b * steps * predictionMacsPerStep(architecture),
      };
    },
    predict: (input) => trainer.predict(input),
    snapshot: () => trainer.snapshot(),
    dispose: () => trainer.dispose(),
  };
}
