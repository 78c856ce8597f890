import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { denseMacs, energyReport } from '@cristal/metrics';
import { SpikingMlp, exportSpikingMlp, spikingMlpTrainingForward } from '@cristal/spiking';
import { tf, type RandomStream, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { ClassifierCandidate } from './candidate';

export interface FcSnnOptions {
  hidden: number;
  steps: number;
  beta: number;
}

/**
 * The snnTorch-style baseline (tutorial 5): 784-H-10, two LIF layers (threshold 1, subtract reset),
 * direct-current input for T steps, cross-entropy on the time-averaged output membrane.
 */
export function fcSnnCandidate(options: FcSnnOptions, stream: RandomStream): ClassifierCandidate {
  const model = new SpikingMlp({ sizes: [784, options.hidden, 10], steps: options.steps, beta: options.beta, readout: 'mean-membrane' }, stream);
  return {
    modelFamily: 'spiking-mlp',
    timeSteps: options.steps,
    trainable: {
      variables: model.variables,
      loss: (x: Tensor2D, labels: Tensor1D) => model.loss(x, labels),
      probabilities: (x: Tensor2D) => model.probabilities(x),
    },
    parameterCount: () => Object.values(model.variables).reduce((s, v) => s + v.size, 0),
    energy: (set: ImageSet) => {
      // Layer 1's input is a constant current: pixels @ W1 is computed once per sample (MACs); every
      // later projection is driven by spikes, one accumulate per spike and target (SOPs).
      const totals = [0, 0];
      for (const batch of new BatchIterator(set, { batchSize: 1000, shuffle: false }).batches()) {
        const spikes = tf.tidy(() => {
          const out = spikingMlpTrainingForward(model.params, model.config, batch.x, true);
          out.logits.dispose();
          return out.layerSpikes as Tensor1D;
        });
        spikes.dataSync().forEach((s, l) => (totals[l] += s));
        spikes.dispose();
      }
      return energyReport({
        layers: [
          { name: 'lif1', spikes: totals[0], neurons: options.hidden, fanOut: 10 },
          { name: 'lif2', spikes: totals[1], neurons: 10, fanOut: 0 },
        ],
        samples: set.count,
        timeSteps: options.steps,
        macsPerSample: denseMacs([{ inFeatures: 784, outFeatures: options.hidden }]),
      });
    },
    exportOnnx: (metadata) => exportSpikingMlp(model.spec(), { metadata: { ...metadata, timeSteps: options.steps }, extraMetadata: { dataset: 'mnist' } }),
    dispose: () => model.dispose(),
  };
}
