import { RandomStreams, type RandomStream } from '@cristal/tensor';

/** The stream of `RandomStreams(seed)` the weight noise eps comes from. */
export const ENSEMBLE_STREAM = 'sampling';
/** The stream of `RandomStreams(seed)` the dropout masks come from: a separate one, so masks never shift the weight samples. */
export const DROPOUT_MASK_STREAM = 'dropout';

/** Where one ensemble draws its randomness. */
export interface EnsembleStreams {
  weights: RandomStream;
  masks: RandomStream;
}

export function checkEnsembleSize(samples: number, seed: number): void {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`ensemble: samples must be a positive integer (the number K of weight samples), got ${samples}.`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`ensemble: seed must be a non-negative safe integer (it is recorded in the file to reproduce the samples), got ${seed}.`);
}

/** The streams of a single model's ensemble: `sampling` and `dropout` of `new RandomStreams(seed)`. */
export function ensembleStreams(seed: number): EnsembleStreams {
  const streams = new RandomStreams(seed);
  return { weights: streams.stream(ENSEMBLE_STREAM), masks: streams.stream(DROPOUT_MASK_STREAM) };
}

/** Member m of a model ensemble: `sampling/member-m` and `dropout/member-m`, independent of the other members and of their number. */
export function memberStreams(seed: number, member: number): EnsembleStreams {
  const { weights, masks } = ensembleStreams(seed);
  return { weights: weights.fork(`member-${member}`), masks: masks.fork(`member-${member}`) };
}
