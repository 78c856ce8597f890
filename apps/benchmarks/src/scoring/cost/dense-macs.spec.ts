import { GraphBuilder, decodeModel, type Dim, type Value } from '@cristal/onnx';
import { exportSpikingMlp, type SpikingMlpSpec } from '@cristal/spiking';
import { tf } from '@cristal/tensor';
import { TEST_METADATA, denseMlpBytes, floatTensor, int64Tensor, node, plainModel } from './cost.test-helpers';
import { countGraphMacs, graphMacsPerSample } from './dense-macs';
import { StaticShapeError } from './static-shape-error';

const zeros = (g: GraphBuilder, name: string, dims: number[]) => g.initializer(name, new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

/**
 * K networks 784 -> hidden -> 10 side by side, as the Bayesian exporters stack a K-sample ensemble:
 * weights [K, in, out], a batched MatMul broadcasting the pixels to [K, B, .], the mean over K.
 * K = 1 is written as the plain chain of Gemms a single network is.
 */
function stackedMlp(k: number, hidden: number): Uint8Array {
  const g = new GraphBuilder({ name: 'stacked_mlp' });
  const x = g.input('pixels', 'float32', ['batch', 784]);
  let logits: Value;
  if (k === 1) {
    logits = g.gemm(g.relu(g.gemm(x, zeros(g, 'w1', [784, hidden]), zeros(g, 'b1', [hidden]))), zeros(g, 'w2', [hidden, 10]), zeros(g, 'b2', [10]));
  } else {
    const h = g.relu(g.add(g.matMul(x, zeros(g, 'w1', [k, 784, hidden])), zeros(g, 'b1', [k, 1, hidden])));
    logits = g.add(g.matMul(h, zeros(g, 'w2', [k, hidden, 10])), zeros(g, 'b2', [k, 1, 10]));
  }
  const p = g.softmax(logits, -1);
  g.output(k === 1 ? p : g.reduceMean(p, [0], false), 'probabilities');
  return g.toBytes();
}

/**
 * K LeNet-like networks (conv 5x5 x6 pad 2, pool 2, conv 5x5 x16, pool 2, dense 400 -> 10) run as
 * the Bayesian exporter runs them: the first Conv with the K kernels stacked on the output channels,
 * the second grouped (group K), then [B, K 16, 5, 5] -> [K, B, 400] and a batched MatMul.
 */
function stackedLeNet(k: number): Uint8Array {
  const g = new GraphBuilder({ name: 'stacked_lenet' });
  const x = g.input('pixels', 'float32', ['batch', 784]);
  const image = g.transpose(g.reshape(x, [-1, 28, 28, 1]), [0, 3, 1, 2]);
  const c1 = g.maxPool(g.relu(g.conv(image, zeros(g, 'k1', [6 * k, 1, 5, 5]), zeros(g, 'kb1', [6 * k]), { pads: [2, 2, 2, 2] })), [2, 2], [2, 2]);
  const c2 = g.maxPool(g.relu(g.conv(c1, zeros(g, 'k2', [16 * k, 6, 5, 5]), zeros(g, 'kb2', [16 * k]), { group: k })), [2, 2], [2, 2]);
  const split = g.reshape(c2, [-1, k, 16, 5, 5]);
  const features = g.reshape(g.transpose(split, [1, 0, 3, 4, 2]), [k, -1, 400]);
  const logits = g.add(g.matMul(features, zeros(g, 'w', [k, 400, 10])), zeros(g, 'b', [k, 1, 10]));
  g.output(g.reduceMean(g.softmax(logits, -1), [0], false), 'probabilities');
  return g.toBytes();
}

/** A one-layer dense classifier whose input declares `batch` on axis 0. */
function singleGemm(batch: Dim): Uint8Array {
  const g = new GraphBuilder({ name: 'single' });
  const x = g.input('pixels', 'float32', [batch, 784]);
  g.output(g.softmax(g.gemm(x, zeros(g, 'w', [784, 10]), zeros(g, 'b', [10])), -1), 'probabilities');
  return g.toBytes();
}

describe('graphMacsPerSample', () => {
  it('counts exactly 784·400 + 400·400 + 400·10 for an exported dense MLP 784-400-400-10', () => {
    const model = decodeModel(denseMlpBytes([784, 400, 400, 10]));
    expect(graphMacsPerSample(model)).toBe(784 * 400 + 400 * 400 + 400 * 10);
    expect(countGraphMacs(model).nodes).toEqual([
      { node: 'layer1/gemm', op: 'Gemm', macsPerSample: 784 * 400 },
      { node: 'layer2/gemm', op: 'Gemm', macsPerSample: 400 * 400 },
      { node: 'layer3/gemm', op: 'Gemm', macsPerSample: 400 * 10 },
    ]);
  });

  it('does not depend on the batch the file declares (a symbol of any name, or a fixed number)', () => {
    const counts = ['batch', 'N', 1, 32].map((b) => graphMacsPerSample(decodeModel(singleGemm(b))));
    expect(counts).toEqual([7840, 7840, 7840, 7840]);
  });

  it('counts K times one network for a K-network stacked ensemble (batched MatMul)', () => {
    const one = graphMacsPerSample(decodeModel(stackedMlp(1, 32)));
    expect(one).toBe(784 * 32 + 32 * 10);
    for (const k of [2, 5]) expect(graphMacsPerSample(decodeModel(stackedMlp(k, 32)))).toBe(k * one);
  });

  it('counts a LeNet in closed form, and K times it when K members run as grouped convolutions', () => {
    // conv1: 28 x 28 outputs x 6 channels x (1 x 5 x 5); conv2: 10 x 10 x 16 x (6 x 5 x 5); dense 400 x 10
    const lenet = 28 * 28 * 6 * 25 + 10 * 10 * 16 * (6 * 25) + 400 * 10;
    expect(graphMacsPerSample(decodeModel(stackedLeNet(1)))).toBe(lenet);
    expect(graphMacsPerSample(decodeModel(stackedLeNet(3)))).toBe(3 * lenet);
  });

  it('counts a Conv with padding, stride, dilation and groups as outputs x C_in/group x kernel', () => {
    const g = new GraphBuilder({ name: 'conv' });
    const x = g.input('x', 'float32', ['batch', 4, 13, 11]);
    g.output(g.conv(x, zeros(g, 'w', [6, 2, 3, 2]), undefined, { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1], group: 2 }));
    // output [B, 6, 6, 4] (floor((13 + 3 - 5) / 2) + 1, floor((11 + 1 - 2) / 3) + 1); each sums 2 channels x 3 x 2
    expect(graphMacsPerSample(g.build())).toBe(6 * 6 * 4 * (2 * 3 * 2));
  });

  it('handles Gemm transposes, 1-D and broadcast MatMuls', () => {
    const model = plainModel({
      initializers: [floatTensor('w_t', [10, 784]), floatTensor('w_a', [784, 10]), floatTensor('v', [784]), floatTensor('w_rows', [28, 16]), int64Tensor('rows', [-1, 28, 28])],
      nodes: [
        node('Gemm', ['pixels', 'w_t'], ['torch_linear'], { transB: 1 }),
        node('Transpose', ['pixels'], ['pixels_t'], { perm: [1, 0] }),
        node('Gemm', ['pixels_t', 'w_a'], ['trans_a'], { transA: 1 }),
        node('MatMul', ['pixels', 'v'], ['dot']),
        node('Reshape', ['pixels', 'rows'], ['image']),
        node('MatMul', ['image', 'w_rows'], ['per_row']),
      ],
    });
    expect(countGraphMacs(model).nodes.map((n) => [n.node, n.macsPerSample])).toEqual([
      ['torch_linear', 784 * 10],
      ['trans_a', 784 * 10],
      ['dot', 784],
      ['per_row', 28 * 28 * 16],
    ]);
  });

  it('counts 0 for a product of constants alone (onnxruntime folds it at load)', () => {
    const model = plainModel({
      initializers: [floatTensor('a', [784, 64]), floatTensor('b', [64, 10])],
      nodes: [node('MatMul', ['a', 'b'], ['folded']), node('MatMul', ['pixels', 'folded'], ['y'])],
    });
    expect(countGraphMacs(model).nodes.map((n) => n.macsPerSample)).toEqual([0, 7840]);
  });

  it('refuses products that are not a fixed cost per sample instead of guessing', () => {
    const gram = plainModel({ nodes: [node('Transpose', ['pixels'], ['t'], { perm: [1, 0] }), node('MatMul', ['pixels', 't'], ['gram'])] });
    expect(() => graphMacsPerSample(gram)).toThrow(StaticShapeError);
    expect(() => graphMacsPerSample(gram)).toThrow(/node 'gram' \(op MatMul\) costs 784·B\^2 MACs/);
    const batchMean = plainModel({
      initializers: [floatTensor('w', [784, 10])],
      nodes: [node('ReduceMean', ['pixels'], ['mean'], { axes: [0], keepdims: 1 }), node('MatMul', ['mean', 'w'], ['y'])],
    });
    expect(() => graphMacsPerSample(batchMean)).toThrow(/node 'y' \(op MatMul\) costs 7840 MACs for a batch of B/);
  });

  it('counts an unrolled spiking MLP as the input current once plus every later layer T times', () => {
    const spec = (steps: number, sizes: number[]): SpikingMlpSpec => ({
      steps,
      readout: 'mean-membrane',
      layers: sizes.slice(1).map((out, i) => ({ weight: tf.zeros([sizes[i], out]), bias: tf.zeros([out]), beta: 0.9, threshold: 1, reset: 'subtract' as const })),
    });
    const count = (steps: number, sizes: number[]) => {
      const s = spec(steps, sizes);
      try {
        return graphMacsPerSample(decodeModel(exportSpikingMlp(s, { metadata: { ...TEST_METADATA, modelFamily: 'spiking-mlp' } })));
      } finally {
        for (const l of s.layers) tf.dispose([l.weight, l.bias]);
      }
    };
    // direct encoding: pixels @ W1 is computed once; s_t @ W2 once per step
    expect(count(4, [784, 32, 10])).toBe(784 * 32 + 4 * 32 * 10);
    expect(count(1, [784, 32, 10])).toBe(784 * 32 + 32 * 10);
    expect(count(6, [784, 10])).toBe(784 * 10);
    // so the graph's count grows with T although an event-driven chip's MACs do not: spiking files carry metadata
    expect(count(5, [784, 32, 16, 10]) - count(1, [784, 32, 16, 10])).toBe(4 * (32 * 16 + 16 * 10));
  });
});
