import type { Tensor } from '@cristal/tensor';
import { lifScan } from '../kernels/lif-scan';
import { lifInitialState, lifParameters, lifStep, type LifOptions, type LifParameters, type LifState } from '../neurons/lif';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/** A layer of LIF neurons (see `lifStep`); `forward` runs the fused `lifScan`. */
export class LIFLayer extends NeuronLayer<{ v: Tensor }> {
  readonly parameters: LifParameters;

  constructor(size: number, parameters: LifOptions, options: NeuronLayerOptions = {}) {
    super(size, 'lif', options);
    this.parameters = lifParameters(parameters);
    checkParameter(this.parameters.beta, 'beta', size);
    checkParameter(this.parameters.threshold, 'threshold', size);
  }

  protected initialState(batch: number): LifState {
    return lifInitialState(batch, this.size);
  }

  protected stepFrom(x: Tensor, state: LifState) {
    const out = lifStep(x, state, this.parameters);
    return { output: out.spikes, state: out.state };
  }

  protected override sequenceFrom(xs: Tensor, state: LifState | null) {
    const p = this.parameters;
    const out = lifScan(xs, p.beta, p.threshold, state?.v ?? null, { reset: p.reset, surrogate: p.surrogate, detachReset: p.detachReset });
    return { output: out.spikes, state: { v: out.finalMembrane } };
  }
}
