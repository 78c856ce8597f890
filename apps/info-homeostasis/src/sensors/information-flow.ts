import type { Layer } from '@cristal/bayesian';
import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { DivergedError } from '@cristal/runner';
import type { RandomStream, Tensor2D } from '@cristal/tensor';
import { fisherTracePerParameter } from './fisher-trace-per-parameter';
import { klPerParameterByLayer } from './kl-per-parameter';
import { preActivationSnrByLayer } from './pre-activation-snr';

/** One reading of every variational layer's information flow, keyed by layer name. */
export interface InformationFlowReading {
  /** KL of the posterior to the prior, nats per parameter. */
  kl: Record<string, number>;
  /** Pre-activation SNR under weight noise (at the temperatures in force), dB. */
  snrDb: Record<string, number>;
  /** Fisher trace per parameter, when it was read. */
  fisherPerParameter?: Record<string, number>;
}

/** The first `count` training images as a fixed [count, 784] batch in [0, 1]: the sensors' probe. */
export function probeBatch(train: ImageSet, count: number): Tensor2D {
  const n = Math.min(count, train.count);
  for (const batch of new BatchIterator(train, { batchSize: n, shuffle: false }).batches()) return batch.x.clone() as Tensor2D;
  throw new Error('probeBatch: the training set is empty.');
}

/**
 * Reads the three sensors at training step `step` on the probe batch. A network that has diverged
 * reads NaN (or no noise power at all, every input of a layer dead after a blow-up): that ends the
 * run as diverged, exactly as a NaN loss would, rather than feeding garbage to a controller or a chart.
 */
export function readInformationFlow(
  layers: readonly Layer[],
  probe: Tensor2D,
  random: RandomStream,
  options: { step: number; temperatures?: Record<string, number>; fisher: boolean },
): InformationFlowReading {
  const kl = klPerParameterByLayer(layers);
  let snr: ReturnType<typeof preActivationSnrByLayer>;
  try {
    snr = preActivationSnrByLayer(layers, probe, random, options.temperatures);
  } catch (error) {
    throw new DivergedError(options.step, `snr_db (${(error as Error).message})`, Number.NaN);
  }
  const snrDb = Object.fromEntries(Object.entries(snr).map(([n, s]) => [n, s.snrDb]));
  const fisherPerParameter = options.fisher ? fisherTracePerParameter(layers, probe, { random }).perParameter : undefined;
  for (const [quantity, readings] of Object.entries({ kl, snr_db: snrDb, fisher: fisherPerParameter ?? {} })) {
    for (const [layer, value] of Object.entries(readings)) if (!Number.isFinite(value)) throw new DivergedError(options.step, `${quantity}/${layer}`, value);
  }
  return fisherPerParameter ? { kl, snrDb, fisherPerParameter } : { kl, snrDb };
}
