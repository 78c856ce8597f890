import type { Tensor } from '@cristal/tensor';
import { lifScan } from '../kernels/lif-scan';
import {
  leakyIntegratorInitialState,
  leakyIntegratorParameters,
  leakyIntegratorStep,
  type LeakyIntegratorOptions,
  type LeakyIntegratorParameters,
  type LeakyIntegratorState,
} from '../neurons/leaky-integrator';
import { checkParameter, NeuronLayer, type NeuronLayerOptions } from './neuron-layer';

/**
 * A non-spiking leaky-integrator readout (see `leakyIntegratorStep`): outputs its membrane. `forward`
 * runs the fused LIF scan without reset (v_t = beta v_{t-1} + x_t is exactly that), ignoring its spikes.
 */
export class LeakyIntegratorLayer extends NeuronLayer<{ v: Tensor }> {
  readonly parameters: LeakyIntegratorParameters;
  protected override readonly spiking = false;

  constructor(size: number, parameters: LeakyIntegratorOptions, options: NeuronLayerOptions = {}) {
    super(size, 'leaky-integrator', options);
    this.parameters = leakyIntegratorParameters(parameters);
    checkParameter(this.parameters.beta, 'beta', size);
  }

  protected initialState(batch: number): LeakyIntegratorState {
    return leakyIntegratorInitialState(batch, this.size);
  }

  protected stepFrom(x: Tensor, state: LeakyIntegratorState) {
    return leakyIntegratorStep(x, state, this.parameters);
  }

  protected override sequenceFrom(xs: Tensor, state: LeakyIntegratorState | null) {
    const out = lifScan(xs, this.parameters.beta, 1, state?.v ?? null, { reset: 'none', membrane: true });
    return { output: out.membrane as Tensor, state: { v: out.finalMembrane } };
  }
}
