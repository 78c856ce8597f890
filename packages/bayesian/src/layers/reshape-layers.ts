import { tf, type Tensor, type Tensor4D, type Variable } from '@cristal/tensor';
import type { Layer, LayerOutput } from './layer';

/** [B, ...] -> [B, prod(...)], between the convolutional and the dense part of a LeNet. */
export class Flatten implements Layer {
  readonly name = 'flatten';

  call(x: Tensor): LayerOutput {
    return { output: tf.reshape(x, [x.shape[0], -1]), kl: null };
  }

  variables(): Variable[] {
    return [];
  }

  dispose(): void {
    // no variables to free
  }
}

/** [B, 784] pixels -> [B, 28, 28, 1] images (NHWC), so the shared classifier input feeds a LeNet. */
export class ToImage implements Layer {
  readonly name = 'to_image';

  constructor(
    readonly height: number,
    readonly width: number,
    readonly channels = 1,
  ) {}

  call(x: Tensor): LayerOutput {
    return { output: tf.reshape(x, [x.shape[0], this.height, this.width, this.channels]), kl: null };
  }

  variables(): Variable[] {
    return [];
  }

  dispose(): void {
    // no variables to free
  }
}

/** Max pooling (NHWC), stride = size, 'valid' padding: the LeNet subsampling. */
export class MaxPool2d implements Layer {
  readonly name = 'max_pool';

  constructor(readonly size = 2) {}

  call(x: Tensor): LayerOutput {
    return { output: tf.maxPool(x as Tensor4D, this.size, this.size, 'valid'), kl: null };
  }

  variables(): Variable[] {
    return [];
  }

  dispose(): void {
    // no variables to free
  }
}
