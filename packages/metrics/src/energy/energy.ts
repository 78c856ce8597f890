/**
 * Spike and energy accounting for spiking and dense networks.
 *
 * E = E_MAC * MACs + E_AC * SOPs. A dense layer costs one multiply-accumulate per weight per sample;
 * a spiking layer costs one accumulate per spike per outgoing synapse (a synaptic operation). The
 * per-operation energies are Horowitz's 45 nm figures (ISSCC 2014, "Computing's energy problem"),
 * MAC = multiply + add. This counts arithmetic only: it ignores data movement (memory reads dominate
 * real chips), neuron-state updates and control, so it is a comparison between models, not a
 * prediction of a device's power.
 */

export interface EnergyModel {
  /** Energy of one multiply-accumulate, picojoules. */
  macPj: number;
  /** Energy of one accumulate (addition), picojoules. */
  acPj: number;
  description: string;
}

export const ENERGY_PRESETS = {
  'fp32-45nm': { macPj: 4.6, acPj: 0.9, description: '32-bit float, 45 nm (3.7 pJ mult + 0.9 pJ add)' },
  'fp16-45nm': { macPj: 1.5, acPj: 0.4, description: '16-bit float, 45 nm (1.1 pJ mult + 0.4 pJ add)' },
  'int32-45nm': { macPj: 3.2, acPj: 0.1, description: '32-bit integer, 45 nm (3.1 pJ mult + 0.1 pJ add)' },
  'int8-45nm': { macPj: 0.23, acPj: 0.03, description: '8-bit integer, 45 nm (0.2 pJ mult + 0.03 pJ add)' },
} as const satisfies Record<string, EnergyModel>;

export type EnergyPreset = keyof typeof ENERGY_PRESETS;

/** One spiking layer's activity over an evaluation. */
export interface SpikeLayerActivity {
  name: string;
  /** Total spikes emitted by the layer over all samples and time steps. */
  spikes: number;
  neurons: number;
  /** Outgoing synapses per neuron of this layer (e.g. the next layer's width when fully connected). */
  fanOut: number;
}

export interface SpikeLayerReport extends SpikeLayerActivity {
  /** Spikes per neuron per time step, in [0, 1]. */
  firingRate: number;
  /** Spikes per sample. */
  spikesPerSample: number;
  /** Synaptic operations per sample: spikes x fan-out. */
  sopsPerSample: number;
}

export interface EnergyReport {
  layers: SpikeLayerReport[];
  sopsPerSample: number;
  macsPerSample: number;
  /** Energy per sample in joules, and its parts. */
  energyPerSampleJ: number;
  macEnergyJ: number;
  sopEnergyJ: number;
  model: EnergyModel;
}

/** Multiply-accumulates per sample of fully connected layers [in, out] (weights count once each). */
export function denseMacs(layers: { inFeatures: number; outFeatures: number }[], timeSteps = 1): number {
  return layers.reduce((s, l) => s + l.inFeatures * l.outFeatures, 0) * timeSteps;
}

export function energyModel(preset: EnergyPreset | EnergyModel = 'fp32-45nm'): EnergyModel {
  if (typeof preset !== 'string') return preset;
  const model = ENERGY_PRESETS[preset];
  if (!model) throw new Error(`Unknown energy preset "${preset}"; use one of ${Object.keys(ENERGY_PRESETS).join(', ')}.`);
  return model;
}

/**
 * Rates, synaptic operations and energy per sample. `macsPerSample` covers the parts that run dense
 * (e.g. a first layer fed analogue currents, or a whole non-spiking network).
 */
export function energyReport(options: {
  layers: SpikeLayerActivity[];
  samples: number;
  timeSteps: number;
  macsPerSample?: number;
  model?: EnergyPreset | EnergyModel;
}): EnergyReport {
  const { layers, samples, timeSteps, macsPerSample = 0 } = options;
  if (!(samples > 0) || !(timeSteps > 0)) throw new Error(`samples and timeSteps must be positive, got ${samples} and ${timeSteps}.`);
  const model = energyModel(options.model);
  const reports = layers.map((l) => {
    if (l.spikes < 0 || l.neurons <= 0 || l.fanOut < 0) throw new Error(`layer "${l.name}": spikes, neurons and fanOut must be non-negative (neurons > 0).`);
    const firingRate = l.spikes / (l.neurons * timeSteps * samples);
    if (firingRate > 1 + 1e-9) throw new Error(`layer "${l.name}": ${l.spikes} spikes exceed one per neuron per step (rate ${firingRate}).`);
    return { ...l, firingRate, spikesPerSample: l.spikes / samples, sopsPerSample: (l.spikes * l.fanOut) / samples };
  });
  const sopsPerSample = reports.reduce((s, l) => s + l.sopsPerSample, 0);
  const macEnergyJ = macsPerSample * model.macPj * 1e-12;
  const sopEnergyJ = sopsPerSample * model.acPj * 1e-12;
  return { layers: reports, sopsPerSample, macsPerSample, energyPerSampleJ: macEnergyJ + sopEnergyJ, macEnergyJ, sopEnergyJ, model };
}
