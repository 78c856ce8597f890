import type { Tensor } from '@cristal/tensor';
import { lifScan } from '../kernels/lif-scan';
import { synapticInitialState, synapticParameters, synapticStep, type SynapticOptions, type SynapticParameters, type SynapticState } from '../neurons/synaptic';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/**
 * A layer of current-based synaptic LIF neurons (see `synapticStep`). `forward` runs two fused scans:
 * the synaptic current I_t = alpha I_{t-1} + x_t is a LIF membrane without reset (its spikes are
 * ignored), then the membrane is a LIF driven by I.
 */
export class SynapticLayer extends NeuronLayer<{ i: Tensor; v: Tensor }> {
  readonly parameters: SynapticParameters;

  constructor(size: number, parameters: SynapticOptions, options: NeuronLayerOptions = {}) {
    super(size, 'synaptic', options);
    this.parameters = synapticParameters(parameters);
    for (const key of ['alpha', 'beta', 'threshold'] as const) checkParameter(this.parameters[key], key, size);
  }

  protected initialState(batch: number): SynapticState {
    return synapticInitialState(batch, this.size);
  }

  protected stepFrom(x: Tensor, state: SynapticState) {
    const out = synapticStep(x, state, this.parameters);
    return { output: out.spikes, state: out.state };
  }

  protected override sequenceFrom(xs: Tensor, state: SynapticState | null) {
    const p = this.parameters;
    const current = lifScan(xs, p.alpha, 1, state?.i ?? null, { reset: 'none', membrane: true });
    const out = lifScan(current.membrane as Tensor, p.beta, p.threshold, state?.v ?? null, { reset: p.reset, surrogate: p.surrogate, detachReset: p.detachReset });
    return { output: out.spikes, state: { i: current.finalMembrane, v: out.finalMembrane } };
  }
}
