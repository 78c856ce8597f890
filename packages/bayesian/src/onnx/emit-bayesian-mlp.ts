import { tf, type Tensor } from '@cristal/tensor';
import type { GraphBuilder, Value } from '@cristal/onnx';
import type { ExportActivation } from './lowered-mlp';
import type { PointDenseLayer } from './point-dense-layers';

function emitActivations(g: GraphBuilder, h: Value, activations: readonly ExportActivation[]): Value {
  let y = h;
  for (const a of activations) y = a === 'relu' ? g.relu(y) : a === 'tanh' ? g.tanh(y) : g.sigmoid(y);
  return y;
}

/** The posterior-mean network as a Gemm chain (`layer1/gemm`, `layer1/relu`, ...); returns the logits [batch, 10]. */
export function emitPointLayers(g: GraphBuilder, x: Value, layers: readonly PointDenseLayer[]): Value {
  let h = x;
  layers.forEach((layer, i) => {
    h = g.scope(`layer${i + 1}`, () => {
      const w = g.initializer('weight', layer.weight);
      const y = layer.bias ? g.gemm(h, w, g.initializer('bias', layer.bias)) : g.gemm(h, w);
      return emitActivations(g, y, layer.activations);
    });
  });
  return h;
}

/** Writes `tensor` as an initializer and frees it (the builder keeps a copy of the bytes). */
function consumed(g: GraphBuilder, name: string, tensor: Tensor): Value {
  try {
    return g.initializer(name, tensor);
  } finally {
    tensor.dispose();
  }
}

/**
 * K networks at once, with the samples stacked on a leading axis: a sampled layer's weights are one
 * initializer [K, in, out] and its biases [K, 1, out], so one batched MatMul runs all K members
 * (the first one broadcasts x [batch, in] against [K, in, out] to [K, batch, out]). A deterministic
 * layer (`Dense`, `sampled[i]` false) is stored once, [in, out], and broadcasts over K: a Gemm while
 * no sampled layer has come yet. Returns the members' logits [K, batch, 10].
 */
export function emitEnsembleLayers(g: GraphBuilder, x: Value, members: readonly (readonly PointDenseLayer[])[], sampled: readonly boolean[]): Value {
  let h = x;
  members[0].forEach((first, i) => {
    h = g.scope(`layer${i + 1}`, () => {
      let y: Value;
      if (sampled[i]) {
        const w = consumed(g, 'weight', tf.stack(members.map((m) => m[i].weight)));
        y = g.matMul(h, w);
        if (first.bias) {
          const units = first.bias.shape[0];
          const b = consumed(g, 'bias', tf.tidy(() => tf.reshape(tf.stack(members.map((m) => m[i].bias as Tensor)), [members.length, 1, units])));
          y = g.add(y, b);
        }
      } else {
        const w = g.initializer('weight', first.weight);
        const b = first.bias ? g.initializer('bias', first.bias) : null;
        if (h.shape.length === 2) y = b ? g.gemm(h, w, b) : g.gemm(h, w);
        else y = b ? g.add(g.matMul(h, w), b) : g.matMul(h, w);
      }
      return emitActivations(g, y, first.activations);
    });
  });
  return h;
}
