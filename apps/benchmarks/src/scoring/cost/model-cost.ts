import type { ModelCost } from '../../leaderboard/leaderboard-types';
import { graphMacsPerSample } from './dense-macs';
import type { OnnxModel } from './onnx-structure';
import { countParameters } from './parameter-count';
import { MACS_PER_SAMPLE_KEY, SPIKE_COUNTS_OUTPUT, SPIKE_FANOUT_KEY, parseMacsPerSample, parseSpikeFanout, sopsPerSample } from './spike-ops';

/**
 * Energy per operation. Structurally what @cristal/metrics' `energyModel(preset)` describes (macPj,
 * acPj), under the names the leaderboard prints: e.g. { name: 'fp32-45nm', picojoulesPerMac: 4.6,
 * picojoulesPerAccumulate: 0.9 }.
 */
export interface EnergyConstants {
  name: string;
  picojoulesPerMac: number;
  picojoulesPerAccumulate: number;
}

/**
 * The `spike_counts` output measured over the evaluation set: `values` holds the rows of every
 * sample scored, row-major [samples, columns] as onnxruntime returns them, batch after batch
 * concatenated in any order; `samples` is their number (the rows, not a batch size of one run).
 */
export interface MeasuredSpikeCounts {
  values: Float32Array;
  samples: number;
}

export interface ModelCostInput {
  model: OnnxModel;
  /** Required for a model with a `spike_counts` output, refused for any other. */
  spikeCounts?: MeasuredSpikeCounts;
  energy: EnergyConstants;
}

/** 'fp32-45nm (4.6 pJ/MAC, 0.9 pJ/AC)'. */
export function energyModelLabel(energy: EnergyConstants): string {
  return `${energy.name} (${energy.picojoulesPerMac} pJ/MAC, ${energy.picojoulesPerAccumulate} pJ/AC)`;
}

/** MACs x E_MAC + SOPs x E_AC, in nanojoules (the constants are in picojoules). */
export function energyNanojoules(macsPerSample: number, sopsPerSample: number, energy: EnergyConstants): number {
  return (macsPerSample * energy.picojoulesPerMac + sopsPerSample * energy.picojoulesPerAccumulate) / 1000;
}

function checkEnergy(energy: EnergyConstants): void {
  if (energy.name.trim() === '') throw new Error('modelCost: energy.name is empty; give the preset name, e.g. fp32-45nm.');
  for (const [key, value] of [
    ['picojoulesPerMac', energy.picojoulesPerMac],
    ['picojoulesPerAccumulate', energy.picojoulesPerAccumulate],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`modelCost: energy.${key} is ${value}; it must be a finite number of picojoules >= 0.`);
  }
}

/**
 * What one inference of `model` costs per sample (`ModelCost`):
 * - parameters: `countParameters`;
 * - MACs: the `macs_per_sample` metadata when the file has it (macsSource 'metadata'), else counted
 *   on the graph by `graphMacsPerSample` (macsSource 'graph'; throws `StaticShapeError` when the
 *   graph cannot be counted exactly, which the caller shows as 'n/a');
 * - SOPs, for a model with a `spike_counts` output only: `sopsPerSample` of the measured counts
 *   (`spikeCounts`) and the `spike_fanout` metadata; null for any other model;
 * - energy: MACs x E_MAC + SOPs x E_AC, in nanojoules.
 * A spiking model must carry both metadata keys (spike-ops.ts): its unrolled graph repeats every
 * per-step product T times, so a graph count would be wrong, and the fan-out cannot be guessed.
 */
export function modelCost(input: ModelCostInput): ModelCost {
  const { model, spikeCounts, energy } = input;
  checkEnergy(energy);
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key, p.value]));
  const spiking = (model.graph?.output ?? []).some((o) => o.name === SPIKE_COUNTS_OUTPUT);
  const macsText = props.get(MACS_PER_SAMPLE_KEY);
  const fanoutText = props.get(SPIKE_FANOUT_KEY);

  let sops: number | null = null;
  if (spiking) {
    if (fanoutText === undefined || macsText === undefined) {
      const missing = [
        ...(fanoutText === undefined ? [`'${SPIKE_FANOUT_KEY}' (synapses per spike, one integer per ${SPIKE_COUNTS_OUTPUT} column, e.g. '400,10,0')`] : []),
        ...(macsText === undefined ? [`'${MACS_PER_SAMPLE_KEY}' (dense MACs per sample that do not depend on spikes, e.g. '313600')`] : []),
      ];
      throw new Error(
        `modelCost: the model has a '${SPIKE_COUNTS_OUTPUT}' output (a spiking model) but its metadata lacks ${missing.join(' and ')}; the exporter must write ${missing.length > 1 ? 'them' : 'it'} (see apps/benchmarks/src/scoring/cost/spike-ops.ts): its unrolled graph repeats each time step's products, so MACs cannot be counted on it.`,
      );
    }
    if (!spikeCounts) throw new Error(`modelCost: the model is spiking (it has a '${SPIKE_COUNTS_OUTPUT}' output); pass spikeCounts, its '${SPIKE_COUNTS_OUTPUT}' output over the evaluation set and the number of samples.`);
    sops = sopsPerSample(spikeCounts.values, spikeCounts.samples, parseSpikeFanout(fanoutText));
  } else {
    if (fanoutText !== undefined) throw new Error(`modelCost: the model has '${SPIKE_FANOUT_KEY}' metadata but no '${SPIKE_COUNTS_OUTPUT}' output to apply it to; export the spike counts or drop the key.`);
    if (spikeCounts) throw new Error(`modelCost: spikeCounts were given for a model without a '${SPIKE_COUNTS_OUTPUT}' output; they belong to spiking models only.`);
  }

  const macsSource = macsText !== undefined ? 'metadata' : 'graph';
  const macsPerSample = macsText !== undefined ? parseMacsPerSample(macsText) : graphMacsPerSample(model);
  return {
    parameters: countParameters(model),
    macsPerSample,
    sopsPerSample: sops,
    energyNanojoulesPerSample: energyNanojoules(macsPerSample, sops ?? 0, energy),
    energyModel: energyModelLabel(energy),
    macsSource,
  };
}
