import { tf, type Tensor } from '@cristal/tensor';
import { energyReport, type EnergyModel, type EnergyPreset, type EnergyReport, type SpikeLayerActivity } from '@cristal/metrics';

/** What a recorder knows about one layer. */
export interface LayerSpikeRecord {
  name: string;
  neurons: number;
  /** Spikes summed over every recorded sample and step. */
  spikes: number;
  /** Samples seen: the batch size of every sequence (a sequence starts when the layer's state is fresh). */
  samples: number;
  /** Sum over recorded steps of the batch size: samples x steps. */
  sampleSteps: number;
  /** Spikes per step of the sequence (index = step since the sequence start), summed over samples and neurons. */
  countsPerStep: number[];
}

/** A layer as the recorder sees it. */
export interface RecordedLayer {
  readonly name: string;
  readonly size: number;
}

export interface EnergyOptions {
  /** Outgoing synapses per neuron, by layer name (e.g. the next layer's width when fully connected); 0 for an output layer. */
  fanOut: Record<string, number>;
  /** Dense multiply-accumulates per sample (e.g. an input layer fed analogue currents). */
  macsPerSample?: number;
  model?: EnergyPreset | EnergyModel;
}

interface Entry extends LayerSpikeRecord {
  owner: RecordedLayer;
  position: number;
}

/**
 * Counts the spikes of the layers that record into it, per step, for spike and energy accounting
 * (`energyReport` of @cristal/metrics: firing rates, synaptic operations = spikes x fan-out, energy).
 * Pass one to a layer's `recorder` option; it is not global, and each layer name may belong to one
 * layer only. Recording reads the spike counts back from the backend once per `step` or `forward`
 * call, so leave it off in training loops that do not need it.
 */
export class SpikeRecorder {
  private readonly entries = new Map<string, Entry>();

  /**
   * Adds spikes [B, N] (one step) or [T, B, N] (a sequence) of `layer`. `sequenceStart` says that
   * these are the first steps since the layer's state was (re)initialized: new samples.
   */
  record(layer: RecordedLayer, spikes: Tensor, sequenceStart: boolean): void {
    const sequence = spikes.rank === 3;
    if (!(sequence || spikes.rank === 2) || spikes.shape[spikes.rank - 1] !== layer.size) {
      throw new Error(`${layer.name}: expected spikes [B, ${layer.size}] or [T, B, ${layer.size}], got [${spikes.shape.join(', ')}].`);
    }
    let entry = this.entries.get(layer.name);
    if (entry && entry.owner !== layer) throw new Error(`Two layers named "${layer.name}" record into the same SpikeRecorder; give them distinct names.`);
    if (!entry) {
      entry = { owner: layer, name: layer.name, neurons: layer.size, spikes: 0, samples: 0, sampleSteps: 0, countsPerStep: [], position: 0 };
      this.entries.set(layer.name, entry);
    }
    const batch = spikes.shape[sequence ? 1 : 0] as number;
    const counts = tf.tidy(() => Array.from((sequence ? tf.sum(spikes, [1, 2]) : tf.reshape(tf.sum(spikes), [1])).dataSync()));
    if (sequenceStart) {
      entry.samples += batch;
      entry.position = 0;
    }
    counts.forEach((c, t) => {
      const k = entry.position + t;
      entry.countsPerStep[k] = (entry.countsPerStep[k] ?? 0) + c;
      entry.spikes += c;
    });
    entry.position += counts.length;
    entry.sampleSteps += batch * counts.length;
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  layer(name: string): LayerSpikeRecord {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`No spikes recorded for a layer named "${name}" (recorded: ${this.names.join(', ') || 'none'}).`);
    const { owner: _owner, position: _position, ...record } = entry;
    return { ...record, countsPerStep: [...record.countsPerStep] };
  }

  /** The input of `energyReport`: one activity per layer, the samples and the steps per sample. */
  energyInput(options: EnergyOptions): { layers: SpikeLayerActivity[]; samples: number; timeSteps: number; macsPerSample?: number; model?: EnergyPreset | EnergyModel } {
    const records = this.names.map((name) => this.layer(name));
    if (records.length === 0) throw new Error('Nothing recorded yet.');
    const { samples, sampleSteps } = records[0];
    for (const r of records) {
      if (r.samples !== samples || r.sampleSteps !== sampleSteps) {
        throw new Error(`Layers saw different inputs ("${records[0].name}": ${samples} samples x ${sampleSteps / samples} steps, "${r.name}": ${r.samples} x ${r.sampleSteps / r.samples}); report them separately.`);
      }
    }
    const layers = records.map((r) => {
      const fanOut = options.fanOut[r.name];
      if (fanOut === undefined) throw new Error(`fanOut of layer "${r.name}" is missing (give 0 for an output layer).`);
      return { name: r.name, spikes: r.spikes, neurons: r.neurons, fanOut };
    });
    return { layers, samples, timeSteps: sampleSteps / samples, macsPerSample: options.macsPerSample, model: options.model };
  }

  /** Firing rates, synaptic operations and energy per sample (`energyReport` of @cristal/metrics). */
  energy(options: EnergyOptions): EnergyReport {
    return energyReport(this.energyInput(options));
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.entries.clear();
  }
}
