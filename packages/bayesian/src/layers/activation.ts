import { tf, type Tensor, type Variable } from '@cristal/tensor';
import { relu } from '../kernels/tf-ops';
import type { Layer, LayerOutput } from './layer';

export type ActivationKind = 'relu' | 'tanh' | 'sigmoid' | 'identity';

const FUNCTIONS: Record<ActivationKind, (x: Tensor) => Tensor> = {
  relu: (x) => relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  identity: (x) => x.clone(),
};

/** Applies an activation (a copy for identity, so the result can always be disposed on its own). */
export function activate(kind: ActivationKind, x: Tensor): Tensor {
  const f = FUNCTIONS[kind];
  if (!f) throw new Error(`Unknown activation "${kind as string}"; use ${Object.keys(FUNCTIONS).join(', ')}.`);
  return f(x);
}

/** An elementwise nonlinearity as a layer without parameters. */
export class Activation implements Layer {
  readonly name: string;
  readonly kind: ActivationKind;

  constructor(kind: ActivationKind) {
    if (!(kind in FUNCTIONS)) throw new Error(`Unknown activation "${kind as string}"; use ${Object.keys(FUNCTIONS).join(', ')}.`);
    this.kind = kind;
    this.name = kind;
  }

  call(x: Tensor): LayerOutput {
    return { output: FUNCTIONS[this.kind](x), kl: null };
  }

  variables(): Variable[] {
    return [];
  }

  dispose(): void {
    // no variables to free
  }
}
