import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { denseMacs, energyReport } from '@cristal/metrics';
import { tf, type RandomStreams, type Scalar, type Tensor, type Tensor1D, type Tensor2D, type Variable } from '@cristal/tensor';
import { HopfieldLookupClassifier } from '../../models/classifiers/hopfield-lookup-classifier';
import { SpikingLookupClassifier, spikingLookupForward } from '../../models/classifiers/spiking-lookup-classifier';
import { flattenParameters } from '../../models/layers/parameters';
import { exportLookupClassifier } from '../../onnx/lookup-exporter';
import { MODEL_FAMILIES } from '../../onnx/export-options';
import { SPIKING_LOOKUP_FAMILY, exportSpikingLookupClassifier } from '../../onnx/spiking-lookup-exporter';
import type { ClassifierCandidate } from './candidate';

/** The `hopfield` section of the experiment config, shared by the dense twin and the spiking model. */
export interface HopfieldCandidateOptions {
  /** d: projection width (the LIF encoder's neurons in the spiking model). */
  hiddenSize: number;
  /** M: learned prototypes (memory neurons). */
  prototypeCount: number;
  /** dv: width of the prototypes' values. */
  valueSize: number;
  /** Inverse temperature of the lookup; default 1/sqrt(hiddenSize). */
  beta?: number;
  /** T: encoder time steps (spiking model only). */
  steps: number;
  /** Encoder membrane decay per step (spiking model only). */
  lifBeta: number;
}

/** Variables keyed by their parameter path (`projection/weight`, `lookup/prototypes`, ...): the names checkpoints store. */
function namedVariables(params: object): Record<string, Variable> {
  return Object.fromEntries(Object.entries(flattenParameters(params)).filter((e): e is [string, Variable] => e[1] instanceof tf.Variable));
}

function parameterCount(params: object): number {
  return Object.values(flattenParameters(params)).reduce((s, t) => s + t.size, 0);
}

function crossEntropy(logits: Tensor, labels: Tensor1D): Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits) as Scalar);
}

/** MACs per sample of the parts both models run dense: the input projection, A V and the readout. */
function sharedMacs(o: HopfieldCandidateOptions): { inFeatures: number; outFeatures: number }[] {
  return [
    { inFeatures: 784, outFeatures: o.hiddenSize }, // I = x W_p (h in the dense twin)
    { inFeatures: o.prototypeCount, outFeatures: o.valueSize }, // z = A V
    { inFeatures: o.valueSize, outFeatures: 10 }, // logits = z W_r
  ];
}

/**
 * The dense twin (`HopfieldLookupClassifier`): h = x W_p + b_p -> softmax(beta h P^T) V -> readout.
 * Everything is a MAC: 784 d + d M (the scores h P^T) + M dv + dv 10 per sample.
 */
export function hopfieldLookupCandidate(options: HopfieldCandidateOptions, random: RandomStreams): ClassifierCandidate {
  const model = new HopfieldLookupClassifier(options, random, { name: 'hopfield-lookup' });
  return {
    modelFamily: MODEL_FAMILIES.lookup,
    timeSteps: undefined,
    trainable: {
      variables: namedVariables(model.params),
      loss: (x: Tensor2D, labels: Tensor1D) => tf.tidy(() => crossEntropy(model.forward(x).logits, labels)),
      probabilities: (x: Tensor2D) => model.predict(x) as Tensor2D,
    },
    parameterCount: () => parameterCount(model.params),
    energy: (set: ImageSet) => {
      const [projection, ...rest] = sharedMacs(options);
      const scores = { inFeatures: options.hiddenSize, outFeatures: options.prototypeCount };
      return energyReport({ layers: [], samples: set.count, timeSteps: 1, macsPerSample: denseMacs([projection, scores, ...rest]) });
    },
    exportOnnx: (metadata) => exportLookupClassifier(model.params, model.settings, { metadata, extraMetadata: { dataset: 'mnist' } }),
    dispose: () => model.dispose(),
  };
}

/**
 * The spiking model (`SpikingLookupClassifier`): the same architecture and initial weights with the
 * hidden code replaced by the rates of d LIF neurons over T steps. The input current x W_p is
 * computed once (784 d MACs); each encoder spike then adds its prototype column to the M memory
 * currents (M accumulates: SOPs = encoder spikes x M); the softmax over M, A V and the readout stay
 * dense (M dv + dv 10 MACs).
 */
export function spikingHopfieldCandidate(options: HopfieldCandidateOptions, random: RandomStreams): ClassifierCandidate {
  const model = new SpikingLookupClassifier({ ...options, lif: { steps: options.steps, beta: options.lifBeta } }, random, { name: 'spiking-hopfield' });
  return {
    modelFamily: SPIKING_LOOKUP_FAMILY,
    timeSteps: options.steps,
    trainable: {
      variables: namedVariables(model.params),
      loss: (x: Tensor2D, labels: Tensor1D) => tf.tidy(() => crossEntropy(model.forward(x).logits, labels)),
      probabilities: (x: Tensor2D) => model.predict(x) as Tensor2D,
    },
    parameterCount: () => parameterCount(model.params),
    energy: (set: ImageSet) => {
      let spikes = 0;
      for (const batch of new BatchIterator(set, { batchSize: 1000, shuffle: false }).batches()) {
        spikes += tf.tidy(() => tf.sum(spikingLookupForward(model.params, batch.x, model.settings, model.lif).spikeCounts).dataSync()[0]);
      }
      return energyReport({
        layers: [{ name: 'encoder', spikes, neurons: options.hiddenSize, fanOut: options.prototypeCount }],
        samples: set.count,
        timeSteps: options.steps,
        macsPerSample: denseMacs(sharedMacs(options)),
      });
    },
    exportOnnx: (metadata) => exportSpikingLookupClassifier(model.params, model.settings, model.lif, { metadata, extraMetadata: { dataset: 'mnist' } }),
    dispose: () => model.dispose(),
  };
}
