import { tf, matmulLeading, type RandomStream, type Tensor } from '@cristal/tensor';
import { drawVariable } from './parameters';

/** y = x W + b, TF.js layout: W [in, out], b [out]. */
export interface LinearParameters {
  readonly weight: Tensor;
  readonly bias: Tensor;
}

/** x [..., in] -> [..., out]. */
export function linearForward(params: LinearParameters, x: Tensor, name = 'linear'): Tensor {
  const [inSize] = params.weight.shape;
  if (x.shape[x.rank - 1] !== inSize) {
    throw new Error(`${name}: input [${x.shape.join(', ')}] must end in ${inSize} features (the weight is [${params.weight.shape.join(', ')}]).`);
  }
  return tf.tidy(() => tf.add(matmulLeading(x, params.weight), params.bias));
}

/** torch.nn.Linear's initialisation: W and b uniform in +-1/sqrt(in). Draws W, then b, from `stream`. */
export function initLinear(inSize: number, outSize: number, stream: RandomStream, scope?: string): LinearParameters {
  const bound = 1 / Math.sqrt(inSize);
  return {
    weight: drawVariable(stream, [inSize, outSize], { uniform: bound }, 'weight', scope),
    bias: drawVariable(stream, [outSize], { uniform: bound }, 'bias', scope),
  };
}
