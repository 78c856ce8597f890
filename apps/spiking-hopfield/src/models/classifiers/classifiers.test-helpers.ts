import { tf, Adam, RandomStreams, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { loadMnist } from '@cristal/datasets';
import { addBias, associateOne, matmul, softmaxRow, toMatrix, type Matrix } from '../reference.test-helpers';
import type { LookupClassifierParameters } from './hopfield-lookup-classifier';
import type { PoolingClassifierParameters } from './hopfield-pooling-classifier';
import type { RetrievalMemory } from './hopfield-retrieval-classifier';
import { imageSetPixels } from './pixels';

/** Pixels [n, 784] uniform in [0, 1] from a seeded stream. */
export function randomPixels(seed: number, n: number): Tensor {
  return new RandomStreams(seed).data.uniformTensor([n, 784]);
}

/** Loop reference of the retrieval classifier: probabilities, retrieved pattern and attention per row. */
export function referenceRetrieval(memory: RetrievalMemory, pixels: Tensor, beta: number, steps: number): { probabilities: Matrix; retrieved: Matrix; attention: Matrix } {
  const x = toMatrix(memory.patterns);
  const classes = toMatrix(memory.classes);
  const rows = toMatrix(pixels).map((q) => associateOne(q, x, x, beta, steps));
  return {
    probabilities: rows.map((r) => classes[0].map((_, c) => r.attention.reduce((s, a, n) => s + a * classes[n][c], 0))),
    retrieved: rows.map((r) => r.output),
    attention: rows.map((r) => r.attention),
  };
}

/** Loop reference of the pooling classifier: patches by index arithmetic, then the formulas. */
export function referencePooling(params: PoolingClassifierParameters, pixels: Tensor, beta: number, steps: number): { logits: Matrix; probabilities: Matrix } {
  const s = Math.round(Math.sqrt(params.embedding.weight.shape[0] as number));
  const g = 28 / s;
  const [we, be, pos, wk, wv, wr, br] = [params.embedding.weight, params.embedding.bias, params.positions, params.pooling.keyWeight, params.pooling.valueWeight, params.readout.weight, params.readout.bias].map((t) => t.arraySync()) as [Matrix, number[], Matrix, Matrix, Matrix, Matrix, number[]];
  const [q] = toMatrix(params.pooling.query);
  const logits = toMatrix(pixels).map((image) => {
    const patches: Matrix = [];
    for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) patches.push(Array.from({ length: s * s }, (_, k) => image[(r * s + Math.floor(k / s)) * 28 + c * s + (k % s)]));
    const embedded = addBias(matmul(patches, we), be).map((row, p) => row.map((v, j) => v + pos[p][j]));
    const pooled = associateOne(q, matmul(embedded, wk), matmul(embedded, wv), beta, steps).output;
    return addBias(matmul([pooled], wr), br)[0];
  });
  return { logits, probabilities: logits.map(softmaxRow) };
}

/** Loop reference of the lookup classifier. */
export function referenceLookup(params: LookupClassifierParameters, pixels: Tensor, beta: number, steps: number): { logits: Matrix; probabilities: Matrix } {
  const hidden = addBias(matmul(toMatrix(pixels), toMatrix(params.projection.weight)), params.projection.bias.arraySync() as number[]);
  const [p, v] = [toMatrix(params.lookup.prototypes), toMatrix(params.lookup.values)];
  const z = hidden.map((h) => associateOne(h, p, v, beta, steps).output);
  const logits = addBias(matmul(z, toMatrix(params.readout.weight)), params.readout.bias.arraySync() as number[]);
  return { logits, probabilities: logits.map(softmaxRow) };
}

/** Fraction of rows whose argmax is the label. */
export function accuracyOf(probabilities: Tensor, labels: ArrayLike<number>): number {
  const predicted = tf.tidy(() => tf.argMax(probabilities, 1).dataSync());
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** Anything with trainable variables and a logits forward (the pooling and lookup classifiers). */
export interface Trainable {
  readonly variables: Variable[];
  forward(pixels: Tensor): { logits: Tensor };
}

/**
 * Adam on the first `images` MNIST training images in batches of 100, `epochs` passes: brings the
 * weights away from their initialisation (for a smoke test, or parity on realistic weights).
 * Returns the loss of every step.
 */
export function trainOnMnist(model: Trainable, options: { images: number; epochs: number; learningRate?: number }): number[] {
  const data = imageSetPixels(loadMnist().train, 0, options.images);
  const targets = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const optimizer = new Adam(model.variables, { learningRate: options.learningRate ?? 0.01 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let start = 0; start < options.images; start += 100) {
      const size = Math.min(100, options.images - start);
      const [x, y] = [data.pixels.slice([start, 0], [size, 784]), targets.slice([start, 0], [size, 10])];
      losses.push(optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.forward(x).logits) as Scalar)));
      tf.dispose([x, y]);
    }
  }
  tf.dispose([data.pixels, targets]);
  return losses;
}
