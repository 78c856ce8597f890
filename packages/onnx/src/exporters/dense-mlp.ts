import type { Tensor } from '@cristal/tensor';
import { GraphBuilder } from '../builder/graph-builder';
import type { Value } from '../builder/value';
import { writeModelFile } from '../proto/model-io';
import { type ClassifierMetadata, classifierMetadataProps } from '../signature/classifier-metadata';
import { CLASSIFIER_SIGNATURE, INPUT_SIZE, NUM_CLASSES, PIXELS, PROBABILITIES } from '../signature/classifier-signature';

export type DenseActivation = 'relu' | 'tanh' | 'sigmoid' | 'none';

export interface DenseLayer {
  /** [in, out], as in `x @ weight` (TF.js / Keras layout, not PyTorch's [out, in]). */
  weight: Tensor;
  /** [out] */
  bias: Tensor;
  activation: DenseActivation;
}

export interface DenseMlpExportOptions {
  metadata: ClassifierMetadata;
  extraMetadata?: Record<string, string>;
  opset?: number;
}

/**
 * Emits the dense layers into `g` after `x`: one Gemm per layer (`layer1/gemm`, `layer1/relu`, ...).
 * Exposed for families whose models start or end with dense layers.
 */
export function emitDenseLayers(g: GraphBuilder, x: Value, layers: readonly DenseLayer[]): Value {
  let h = x;
  layers.forEach((layer, i) => {
    h = g.scope(`layer${i + 1}`, () => {
      const w = g.initializer('weight', layer.weight);
      const b = g.initializer('bias', layer.bias);
      const y = g.gemm(h, w, b);
      switch (layer.activation) {
        case 'relu':
          return g.relu(y);
        case 'tanh':
          return g.tanh(y);
        case 'sigmoid':
          return g.sigmoid(y);
        case 'none':
          return y;
        default:
          throw new Error(`layer${i + 1}: unknown activation '${String(layer.activation)}'`);
      }
    });
  });
  return h;
}

/** A dense MLP (logits of the last layer through a softmax) as a model with the shared signature. */
export function exportDenseMlp(layers: readonly DenseLayer[], options: DenseMlpExportOptions): Uint8Array {
  if (layers.length === 0) throw new Error('exportDenseMlp: no layers');
  const first = layers[0].weight.shape;
  const last = layers[layers.length - 1].weight.shape;
  if (first[0] !== INPUT_SIZE || last[1] !== NUM_CLASSES) {
    throw new Error(`exportDenseMlp: the classifier signature needs ${INPUT_SIZE} inputs and ${NUM_CLASSES} outputs, the layers map ${first[0]} -> ${last[1]}`);
  }
  const g = new GraphBuilder({ name: 'dense_mlp', opset: options.opset });
  const x = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const logits = emitDenseLayers(g, x, layers);
  g.output(g.scope('output', () => g.softmax(logits, -1)), PROBABILITIES);
  return g.toBytes({ metadata: classifierMetadataProps(options.metadata, options.extraMetadata) });
}

/** `exportDenseMlp` written to `file` atomically. */
export function exportDenseMlpToFile(file: string, layers: readonly DenseLayer[], options: DenseMlpExportOptions): void {
  writeModelFile(file, exportDenseMlp(layers, options));
}
