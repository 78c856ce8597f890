import type { SpikingBatchReport } from './spiking-pc-run';

/** Costs of the samples learned since the previous evaluation. */
export interface StreamWindow {
  readonly samples: number;
  readonly spikesPerSample: number;
  /** The same per predicted layer (l = 1..L). */
  readonly spikesPerSampleByLayer: number[];
  readonly synapticOpsPerSample: number;
  /** Spikes / (unit-steps): the mean firing probability per error unit and time step. */
  readonly firingFraction: number;
  /** Saturated unit-steps / unit-steps (|e| > r_max, where the channel is biased). */
  readonly clippingFraction: number;
  readonly feedforwardMacsPerSample: number;
  readonly predictionMacsPerSample: number;
}

/** Running sums of the batch reports of one evaluation window. */
export interface WindowSums {
  samples: number;
  spikes: number;
  spikesByLayer: number[];
  synapticOps: number;
  unitSteps: number;
  clipped: number;
  feedforwardMacs: number;
  predictionMacs: number;
}

export function emptyWindow(): WindowSums {
  return { samples: 0, spikes: 0, spikesByLayer: [], synapticOps: 0, unitSteps: 0, clipped: 0, feedforwardMacs: 0, predictionMacs: 0 };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function addReport(window: WindowSums, report: SpikingBatchReport): void {
  window.samples += report.samples;
  window.spikes += sum(report.spikes);
  report.spikes.forEach((spikes, l) => (window.spikesByLayer[l] = (window.spikesByLayer[l] ?? 0) + spikes));
  window.synapticOps += report.synapticOps;
  window.unitSteps += sum(report.unitSteps);
  window.clipped += sum(report.clippedUnitSteps);
  window.feedforwardMacs += report.feedforwardMacs;
  window.predictionMacs += report.predictionMacs;
}

export function summariseWindow(w: WindowSums): StreamWindow {
  const perSample = (v: number) => (w.samples > 0 ? v / w.samples : 0);
  return {
    samples: w.samples,
    spikesPerSample: perSample(w.spikes),
    spikesPerSampleByLayer: w.spikesByLayer.map(perSample),
    synapticOpsPerSample: perSample(w.synapticOps),
    firingFraction: w.unitSteps > 0 ? w.spikes / w.unitSteps : 0,
    clippingFraction: w.unitSteps > 0 ? w.clipped / w.unitSteps : 0,
    feedforwardMacsPerSample: perSample(w.feedforwardMacs),
    predictionMacsPerSample: perSample(w.predictionMacs),
  };
}
