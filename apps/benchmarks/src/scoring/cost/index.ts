// What an ONNX classifier costs per sample: parameters, dense MACs, synaptic operations, energy.
export { modelCost, energyModelLabel, energyNanojoules, type EnergyConstants, type MeasuredSpikeCounts, type ModelCostInput } from './model-cost';
export { countParameters } from './parameter-count';
export { countGraphMacs, graphMacsPerSample, type GraphMacs, type NodeMacs } from './dense-macs';
export { inferStaticShapes, SUPPORTED_OPS, type StaticNode, type StaticShapes, type StaticValue } from './static-shapes';
export { StaticShapeError } from './static-shape-error';
export {
  MACS_PER_SAMPLE_KEY,
  SPIKE_COUNTS_OUTPUT,
  SPIKE_FANOUT_KEY,
  parseMacsPerSample,
  parseSpikeFanout,
  sopsPerSample,
  spikeCostMetadataProps,
  type SpikeCostMetadata,
} from './spike-ops';
export type { OnnxModel } from './onnx-structure';
export type { SymInt } from './sym-int';
