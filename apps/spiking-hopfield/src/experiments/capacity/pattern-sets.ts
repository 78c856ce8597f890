import { loadMnist } from '@cristal/datasets';
import { tf, type RandomStream, type Tensor2D } from '@cristal/tensor';

/** N random +-1 patterns of dimension d, each entry independently +1 or -1 with probability 1/2. */
export function randomBipolarPatterns(count: number, dimension: number, stream: RandomStream): Tensor2D {
  const values = new Float32Array(count * dimension);
  for (let i = 0; i < values.length; i++) values[i] = stream.uniform() < 0.5 ? -1 : 1;
  return tf.tensor2d(values, [count, dimension]);
}

/**
 * The first `count` MNIST training images binarised at half intensity (pixel > 127 -> +1, else -1),
 * d = 784. Digits are strongly correlated patterns, the hard case for associative memories.
 */
export function binarisedMnistPatterns(count: number): Tensor2D {
  const train = loadMnist().train;
  if (count > train.count) throw new Error(`binarisedMnistPatterns: ${count} patterns requested, MNIST has ${train.count} training images.`);
  const values = new Float32Array(count * 784);
  for (let i = 0; i < values.length; i++) values[i] = train.images[i] > 127 ? 1 : -1;
  return tf.tensor2d(values, [count, 784]);
}
