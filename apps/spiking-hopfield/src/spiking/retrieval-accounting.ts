import { energyReport, type EnergyModel, type EnergyPreset, type EnergyReport } from '@cristal/metrics';
import { denseMacsPerQuery } from './dense-retrieval';

/** What one spiking retrieval call did, in events: the input of the energy comparison. */
export interface RetrievalActivity {
  queries: number;
  /** N stored patterns = memory neurons. */
  storedPatterns: number;
  /** d: input channels per sign (ON and OFF: 2 d input neurons). */
  dim: number;
  inputSteps: number;
  /** Readout window (0 for the latency WTA, which decides inside the input window). */
  readoutSteps: number;
  /** Input spikes delivered to the memory, all queries. */
  inputSpikes: number;
  /** Memory-neuron spikes, all queries. */
  memorySpikes: number;
  /** Outgoing synapses of a memory spike: d readout synapses plus N - 1 inhibitory ones when it resets a competition. */
  memoryFanOut: number;
  /** Synaptic operations (accumulates), all queries: input spikes x N, memory spikes x memoryFanOut. */
  synapticOps: { input: number; memory: number; total: number };
  synapticOpsPerQuery: number;
  /** The dense update's multiply-accumulates per query, 2 N d. */
  denseMacsPerQuery: number;
}

export function retrievalActivity(args: {
  queries: number;
  storedPatterns: number;
  dim: number;
  inputSteps: number;
  readoutSteps: number;
  inputSpikes: number;
  memorySpikes: number;
  lateralInhibition: boolean;
}): RetrievalActivity {
  const { lateralInhibition, ...counts } = args;
  const { queries, storedPatterns, dim, inputSpikes, memorySpikes } = counts;
  const memoryFanOut = dim + (lateralInhibition ? storedPatterns - 1 : 0);
  const input = inputSpikes * storedPatterns;
  const memory = memorySpikes * memoryFanOut;
  return {
    ...counts,
    memoryFanOut,
    synapticOps: { input, memory, total: input + memory },
    synapticOpsPerQuery: (input + memory) / queries,
    denseMacsPerQuery: denseMacsPerQuery(storedPatterns, dim),
  };
}

export interface RetrievalEnergy {
  spiking: EnergyReport;
  dense: EnergyReport;
  /** Spiking energy per query / dense energy per query (below 1: the spiking retrieval is cheaper). */
  ratio: number;
}

/**
 * Arithmetic energy per query of the spiking retrieval (synaptic operations, E_AC each) against
 * the dense update (2 N d MACs, E_MAC each), with @cristal/metrics' energyReport conventions:
 * arithmetic only, no data movement, no neuron-state updates (the membrane leak, the escape-noise
 * exponentials and the shared inhibitory offset are not counted).
 */
export function retrievalEnergy(activity: RetrievalActivity, model: EnergyPreset | EnergyModel = 'fp32-45nm'): RetrievalEnergy {
  const spiking = energyReport({
    layers: [
      { name: 'query (ON/OFF inputs)', spikes: activity.inputSpikes, neurons: 2 * activity.dim, fanOut: activity.storedPatterns },
      { name: 'memory', spikes: activity.memorySpikes, neurons: activity.storedPatterns, fanOut: activity.memoryFanOut },
    ],
    samples: activity.queries,
    timeSteps: activity.inputSteps + activity.readoutSteps,
    model,
  });
  const dense = energyReport({ layers: [], samples: 1, timeSteps: 1, macsPerSample: activity.denseMacsPerQuery, model });
  return { spiking, dense, ratio: spiking.energyPerSampleJ / dense.energyPerSampleJ };
}
