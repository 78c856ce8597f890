import { tf, assertShape, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';
import { initialStd, type MeanInit } from '../posterior/mean-field';
import { conv, pair, type Conv2dGeometry } from './conv2d-reparam';
import type { Layer, LayerOutput } from './layer';

export interface Conv2dOptions {
  inChannels: number;
  filters: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid' (LeNet). */
  padding?: 'same' | 'valid';
  name?: string;
  /** Default He: N(0, 2 / fanIn) with fanIn = kh kw in, as the variational convolutions count it. Biases start at 0. */
  init?: MeanInit;
  useBias?: boolean;
  /** Draws the initial kernel. */
  rng: RandomStream;
}

let counter = 0;

function checkPositiveIntegers(name: string, what: string, values: readonly number[]): void {
  if (!values.every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${what} must be positive integers, got [${values.join(', ')}].`);
}

/**
 * A plain (point-estimate) 2-D convolution, y = conv(x, K) + b, NHWC with kernel [kh, kw, in, out]:
 * the convolutional part of the deterministic, MC-dropout and deep-ensemble LeNets. No activation
 * option, as `Dense`: an `Activation` layer follows it.
 */
export class Conv2d implements Layer {
  readonly name: string;
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelShape: [number, number, number, number];
  readonly geometry: Conv2dGeometry;
  readonly kernel: Variable;
  readonly bias: Variable | null;

  constructor(options: Conv2dOptions) {
    const { inChannels, filters, rng, init = { kind: 'he' } } = options;
    this.name = options.name ?? 'conv2d';
    const [kh, kw] = pair(options.kernelSize);
    const strides = pair(options.strides ?? 1);
    checkPositiveIntegers(this.name, 'inChannels, filters and the kernel size', [inChannels, filters, kh, kw]);
    checkPositiveIntegers(this.name, 'strides', strides);
    const padding = options.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') throw new Error(`${this.name}: padding must be 'valid' or 'same', got ${String(padding)}.`);
    this.inChannels = inChannels;
    this.filters = filters;
    this.kernelShape = [kh, kw, inChannels, filters];
    this.geometry = { strides, padding };
    // fan-in and fan-out as Keras counts them for convolutions: receptive field times channels
    const std = initialStd(init, kh * kw * inChannels, kh * kw * filters);
    const unique = `${this.name}_${counter++}`;
    this.kernel = tf.tidy(() => tf.variable(std > 0 ? rng.normalTensor(this.kernelShape, 0, std) : tf.zeros(this.kernelShape), true, `${unique}/kernel`));
    this.bias = options.useBias === false ? null : tf.tidy(() => tf.variable(tf.zeros([filters]), true, `${unique}/bias`));
  }

  call(x: Tensor): LayerOutput {
    assertShape(x, [null, null, null, this.inChannels], `${this.name} input (NHWC)`);
    const output = tf.tidy(() => {
      const y = conv(x, this.kernel, this.geometry);
      return this.bias ? tf.add(y, this.bias) : y;
    });
    return { output, kl: null };
  }

  variables(): Variable[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
