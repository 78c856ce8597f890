import { Activation, Dense, Sequential, type ActivationKind } from '@cristal/bayesian';
import { RandomStreams } from '@cristal/tensor';
import { weightLayerCount, type PcActivation, type PcArchitecture } from '../pc/architecture';
import { assertParamsMatch, type PcParams } from '../pc/params';

const ACTIVATION_KINDS: Record<Exclude<PcActivation, 'linear'>, ActivationKind> = { tanh: 'tanh', sigmoid: 'sigmoid', relu: 'relu' };

/**
 * The PC network's feedforward predictor x̄_L = f(... f(x W_0 + b_0) ...) W_{L-1} + b_{L-1} as a
 * point `Sequential` of @cristal/bayesian `Dense` + `Activation` layers holding copies of `params`,
 * so that @cristal/bayesian's exporters (which read such models) emit it. A linear hidden
 * activation adds no layer. The caller disposes the model.
 */
export function pcPointSequential(params: PcParams, architecture: PcArchitecture): Sequential {
  assertParamsMatch(architecture, params);
  const { sizes, activation } = architecture;
  // zero-initialised Dense layers draw nothing from this stream; the weights are assigned below
  const unused = new RandomStreams(0).init;
  const layers: (Dense | Activation)[] = [];
  for (let l = 0; l < weightLayerCount(architecture); l++) {
    const dense = new Dense({ inputSize: sizes[l], units: sizes[l + 1], name: `pc_layer${l}`, init: { kind: 'zeros' }, rng: unused });
    dense.kernel.assign(params.weights[l]);
    (dense.bias as NonNullable<Dense['bias']>).assign(params.biases[l]);
    layers.push(dense);
    if (l < weightLayerCount(architecture) - 1 && activation !== 'linear') layers.push(new Activation(ACTIVATION_KINDS[activation]));
  }
  return new Sequential(layers);
}
