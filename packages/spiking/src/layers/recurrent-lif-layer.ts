import type { Tensor } from '@cristal/tensor';
import {
  recurrentLifInitialState,
  recurrentLifParameters,
  recurrentLifStep,
  type RecurrentLifOptions,
  type RecurrentLifParameters,
  type RecurrentLifState,
} from '../neurons/recurrent-lif';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/**
 * A layer of recurrent LIF neurons (see `recurrentLifStep`). `forward` steps through time: the
 * recurrence needs each step's spikes before the next matmul. W_rec is the caller's (not disposed).
 */
export class RecurrentLIFLayer extends NeuronLayer<{ v: Tensor; s: Tensor }> {
  readonly parameters: RecurrentLifParameters;

  constructor(size: number, parameters: RecurrentLifOptions, options: NeuronLayerOptions = {}) {
    super(size, 'recurrent-lif', options);
    this.parameters = recurrentLifParameters(parameters);
    if (this.parameters.recurrentWeights.shape[0] !== size) {
      throw new Error(`recurrentWeights must be [${size}, ${size}], got [${this.parameters.recurrentWeights.shape.join(', ')}].`);
    }
    checkParameter(this.parameters.beta, 'beta', size);
    checkParameter(this.parameters.threshold, 'threshold', size);
  }

  protected initialState(batch: number): RecurrentLifState {
    return recurrentLifInitialState(batch, this.size);
  }

  protected stepFrom(x: Tensor, state: RecurrentLifState) {
    const out = recurrentLifStep(x, state, this.parameters);
    return { output: out.spikes, state: out.state };
  }
}
