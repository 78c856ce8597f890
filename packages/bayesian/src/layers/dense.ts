import { tf, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';
import { matMul } from '../kernels/tf-ops';
import type { MeanInit } from '../posterior/mean-field';
import { checkDenseInput } from './dense-reparam';
import type { LayerOutput, Layer } from './layer';

export interface DenseOptions {
  inputSize: number;
  units: number;
  name?: string;
  /** Default He: N(0, 2 / fanIn). Biases start at 0. */
  init?: MeanInit;
  useBias?: boolean;
  /** Draws the initial weights. */
  rng: RandomStream;
}

let counter = 0;

/**
 * A plain (point-estimate) dense layer, y = x W + b: the building block of the non-variational
 * baselines (MC dropout, deep ensembles) and of the deterministic network MOPED starts from.
 */
export class Dense implements Layer {
  readonly name: string;
  readonly inputSize: number;
  readonly units: number;
  readonly kernel: Variable;
  readonly bias: Variable | null;

  constructor(options: DenseOptions) {
    const { inputSize, units, rng, init = { kind: 'he' } } = options;
    this.name = options.name ?? 'dense';
    this.inputSize = inputSize;
    this.units = units;
    const std =
      init.kind === 'he' ? Math.sqrt(2 / inputSize) : init.kind === 'glorot' ? Math.sqrt(2 / (inputSize + units)) : init.kind === 'normal' ? init.std : 0;
    const unique = `${this.name}_${counter++}`;
    this.kernel = tf.tidy(() => tf.variable(std > 0 ? rng.normalTensor([inputSize, units], 0, std) : tf.zeros([inputSize, units]), true, `${unique}/kernel`));
    this.bias = options.useBias === false ? null : tf.tidy(() => tf.variable(tf.zeros([units]), true, `${unique}/bias`));
  }

  call(x: Tensor): LayerOutput {
    checkDenseInput(this.name, x, this.inputSize);
    const output = tf.tidy(() => (this.bias ? tf.add(matMul(x, this.kernel), this.bias) : matMul(x, this.kernel)));
    return { output, kl: null };
  }

  variables(): Variable[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
