import type { Tensor } from '@cristal/tensor';
import {
  izhikevichInitialState,
  izhikevichParameters,
  izhikevichStep,
  type IzhikevichOptions,
  type IzhikevichParameters,
  type IzhikevichState,
} from '../neurons/izhikevich';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/** A layer of Izhikevich neurons (see `izhikevichStep`), starting at rest (v = -65 mV, u = b v). */
export class IzhikevichLayer extends NeuronLayer<{ v: Tensor; u: Tensor }> {
  readonly parameters: IzhikevichParameters;

  constructor(size: number, parameters: IzhikevichOptions, options: NeuronLayerOptions = {}) {
    super(size, 'izhikevich', options);
    this.parameters = izhikevichParameters(parameters);
    for (const key of ['a', 'b', 'c', 'd'] as const) checkParameter(this.parameters[key], key, size);
  }

  protected initialState(batch: number): IzhikevichState {
    return izhikevichInitialState(batch, this.size, this.parameters);
  }

  protected stepFrom(x: Tensor, state: IzhikevichState) {
    const out = izhikevichStep(x, state, this.parameters);
    return { output: out.spikes, state: out.state };
  }
}
