import type { Tensor } from '@cristal/tensor';
import { alifScan } from '../kernels/alif-scan';
import { alifInitialState, alifParameters, alifStep, type AlifOptions, type AlifParameters, type AlifState } from '../neurons/alif';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/** A layer of adaptive-threshold LIF neurons (see `alifStep`); `forward` runs the fused `alifScan`. */
export class ALIFLayer extends NeuronLayer<{ v: Tensor; a: Tensor }> {
  readonly parameters: AlifParameters;

  constructor(size: number, parameters: AlifOptions, options: NeuronLayerOptions = {}) {
    super(size, 'alif', options);
    this.parameters = alifParameters(parameters);
    for (const key of ['beta', 'threshold', 'rho', 'adaptation'] as const) checkParameter(this.parameters[key], key, size);
  }

  protected initialState(batch: number): AlifState {
    return alifInitialState(batch, this.size);
  }

  protected stepFrom(x: Tensor, state: AlifState) {
    const out = alifStep(x, state, this.parameters);
    return { output: out.spikes, state: out.state };
  }

  protected override sequenceFrom(xs: Tensor, state: AlifState | null) {
    const p = this.parameters;
    const out = alifScan(xs, p, state, { reset: p.reset, surrogate: p.surrogate, detachReset: p.detachReset });
    return { output: out.spikes, state: { v: out.finalMembrane, a: out.finalAdaptation } };
  }
}
