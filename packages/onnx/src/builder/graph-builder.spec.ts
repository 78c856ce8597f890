import { decodeModel } from '../proto/model-io';
import { GraphBuilder } from './graph-builder';
import { runInOrt } from './ort.test-helpers';
import type { Value } from './value';

const f32 = (...xs: number[]) => Float32Array.from(xs);

/** Builds a one-input graph, runs it in onnxruntime, returns the named outputs. */
async function run(opset: number, shape: (number | string)[], data: Float32Array, dims: number[], body: (g: GraphBuilder, x: Value) => Record<string, Value>) {
  const g = new GraphBuilder({ name: 'probe', opset });
  const x = g.input('x', 'float32', shape);
  for (const [name, v] of Object.entries(body(g, x))) g.output(v, name);
  const bytes = g.toBytes();
  return { model: decodeModel(bytes), out: await runInOrt(bytes, { x: { data, dims } }) };
}

function close(actual: ArrayLike<number | bigint | boolean>, expected: readonly number[]) {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((a, i) => expect(Number(a)).toBeCloseTo(expected[i], 5));
}

describe('GraphBuilder operators in onnxruntime-node, against hand-computed results', () => {
  const x22 = f32(1, 2, 3, 4);

  it('MatMul, Gemm (transB, alpha, beta), Add, Sub, Mul, Div with broadcasting', async () => {
    const { out } = await run(21, ['batch', 2], x22, [2, 2], (g, x) => {
      const w = g.initializer('w', f32(1, 0, 1, 1), [2, 2]);
      const r = g.initializer('row', f32(10, 20), [2]);
      return {
        matmul: g.matMul(x, w), // [[3,2],[7,4]]
        gemm: g.gemm(x, w, r, { transB: true, alpha: 2, beta: 0.5 }), // 2*x@w^T + 0.5*r = [[2+5, 6+10],[6+5, 14+10]]
        add: g.add(x, r),
        sub: g.sub(x, r),
        mul: g.mul(x, r),
        div: g.div(x, r),
      };
    });
    close(out.matmul.data, [3, 2, 7, 4]);
    close(out.gemm.data, [7, 16, 11, 24]);
    close(out.add.data, [11, 22, 13, 24]);
    close(out.sub.data, [-9, -18, -7, -16]);
    close(out.mul.data, [10, 40, 30, 80]);
    close(out.div.data, [0.1, 0.1, 0.3, 0.2]);
  });

  it('Softmax, Exp, Log, Relu, Tanh, Sigmoid, Identity', async () => {
    const { out } = await run(21, ['batch', 3], f32(-1, 0, Math.log(2)), [1, 3], (g, x) => ({
      softmax: g.softmax(x),
      exp: g.exp(x),
      log: g.log(g.exp(x)),
      relu: g.relu(x),
      tanh: g.tanh(x),
      sigmoid: g.sigmoid(x),
      identity: g.identity(x),
    }));
    const e = [Math.exp(-1), 1, 2];
    const s = e[0] + e[1] + e[2];
    close(out.softmax.data, e.map((v) => v / s));
    close(out.exp.data, e);
    close(out.log.data, [-1, 0, Math.log(2)]);
    close(out.relu.data, [0, 0, Math.log(2)]);
    close(out.tanh.data, [Math.tanh(-1), 0, Math.tanh(Math.log(2))]);
    close(out.sigmoid.data, [1 / (1 + Math.E), 0.5, 2 / 3]);
    close(out.identity.data, [-1, 0, Math.log(2)]);
  });

  it('Greater, Where, Cast (float32 -> int64 truncates toward zero), Max, Min', async () => {
    const { out } = await run(21, ['batch', 3], f32(1.7, -2.2, 3), [1, 3], (g, x) => {
      const zero = g.initializer('zero', f32(0), [1]);
      const two = g.initializer('two', f32(2), [1]);
      return {
        where: g.where(g.greater(x, zero), x, zero),
        cast: g.cast(x, 'int64'),
        max: g.max([x, two]),
        min: g.min([x, two, zero]),
      };
    });
    close(out.where.data, [1.7, 0, 3]);
    expect(Array.from(out.cast.data)).toEqual([1n, -2n, 3n]);
    close(out.max.data, [2, 2, 3]);
    close(out.min.data, [0, -2.2, 0]);
  });

  it.each([17, 21])('ReduceSum and ReduceMean at opset %i (ReduceMean axes: attribute before 18, input from 18)', async (opset) => {
    const { model, out } = await run(opset, ['batch', 3], f32(1, 2, 3, 4, 5, 6), [2, 3], (g, x) => ({
      sum: g.reduceSum(x, [1], false),
      mean: g.reduceMean(x, [0], true),
    }));
    close(out.sum.data, [6, 15]);
    expect(out.sum.dims).toEqual([2]);
    close(out.mean.data, [2.5, 3.5, 4.5]);
    expect(out.mean.dims).toEqual([1, 3]);
    const mean = model.graph?.node.find((n) => n.opType === 'ReduceMean');
    if (!mean) throw new Error('no ReduceMean node');
    expect(mean.input.length).toBe(opset >= 18 ? 2 : 1);
    expect(mean.attribute.some((a) => a.name === 'axes')).toBe(opset < 18);
  });

  it('Reshape (-1), Transpose, Concat, Unsqueeze, Squeeze', async () => {
    const { out } = await run(21, ['batch', 3], f32(1, 2, 3, 4, 5, 6), [2, 3], (g, x) => {
      const r = g.reshape(x, [3, -1]);
      return {
        reshape: r,
        transpose: g.transpose(x, [1, 0]),
        concat: g.concat([x, x], 1),
        unsqueeze: g.unsqueeze(x, [1]),
        squeeze: g.squeeze(g.unsqueeze(x, [0]), [0]),
      };
    });
    expect(out.reshape.dims).toEqual([3, 2]);
    close(out.transpose.data, [1, 4, 2, 5, 3, 6]);
    expect(out.transpose.dims).toEqual([3, 2]);
    close(out.concat.data, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(out.unsqueeze.dims).toEqual([2, 1, 3]);
    expect(out.squeeze.dims).toEqual([2, 3]);
  });

  it('Conv with bias', async () => {
    const { out } = await run(21, ['batch', 1, 3, 3], f32(1, 2, 3, 4, 5, 6, 7, 8, 9), [1, 1, 3, 3], (g, x) => {
      const w = g.initializer('w', f32(1, 1, 1, 1), [1, 1, 2, 2]);
      const b = g.initializer('b', f32(0.5), [1]);
      return { conv: g.conv(x, w, b) };
    });
    close(out.conv.data, [12.5, 16.5, 24.5, 28.5]);
    expect(out.conv.dims).toEqual([1, 1, 2, 2]);
  });

  it('MaxPool (NCHW, no padding): the maximum of each window, floor((size - kernel) / stride) + 1 outputs per axis', async () => {
    // two channels of a 5 x 5 image: channel 0 holds 0..24, channel 1 holds -(0..24)
    const image = Float32Array.from({ length: 50 }, (_, i) => (i < 25 ? i : -(i - 25)));
    const { model, out } = await run(21, ['batch', 2, 5, 5], image, [1, 2, 5, 5], (g, x) => ({
      pool2: g.maxPool(x, [2, 2], [2, 2]), // windows at rows/cols 0-1 and 2-3; row and column 4 are dropped (floor)
      pool3: g.maxPool(x, [3, 2], [1, 3]), // 3 x 2 windows, stride 1 down, 3 across
    }));
    // channel 0, value = 5 r + c: the max of a window is at its bottom-right corner
    // channel 1, value = -(5 r + c): at its top-left corner
    close(out.pool2.data, [6, 8, 16, 18, -0, -2, -10, -12]);
    expect(out.pool2.dims).toEqual([1, 2, 2, 2]);
    close(out.pool3.data, [11, 14, 16, 19, 21, 24, -0, -3, -5, -8, -10, -13]);
    expect(out.pool3.dims).toEqual([1, 2, 3, 2]);
    const pool = model.graph?.node.find((n) => n.opType === 'MaxPool');
    if (!pool) throw new Error('no MaxPool node');
    expect(pool.attribute.map((a) => `${a.name}=${a.ints.join(',')}`)).toEqual(['kernel_shape=2,2', 'strides=2,2']);
  });
});

describe('GraphBuilder shape check and naming', () => {
  it('names a shape mismatch by node and both shapes', () => {
    const g = new GraphBuilder();
    const x = g.input('pixels', 'float32', ['batch', 784]);
    const w = g.scope('layer1', () => g.initializer('weight', new Float32Array(785 * 4), [785, 4]));
    expect(() => g.scope('layer1', () => g.matMul(x, w))).toThrow("node 'layer1/matmul' (MatMul): inner dimensions differ: A [batch, 784] and B [785, 4]");
  });

  it('rejects non-broadcastable operands, a bad reshape, mixed dtypes', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['batch', 3]);
    const b = g.initializer('b', new Float32Array(4), [4]);
    expect(() => g.add(x, b, 'bias/add')).toThrow("node 'bias/add' (Add): shapes [batch, 3] and [4] do not broadcast (dimension 3 vs 4)");
    expect(() => g.reshape(x, [4, -1], 'flat')).toThrow("node 'flat' (Reshape): cannot reshape [batch, 3] to [4, -1]");
    const i = g.int64('i', [1, 2, 3]);
    expect(() => g.mul(x, i, 'scale')).toThrow("node 'scale' (Mul): operand dtypes differ: 'x' is float32, 'i' is int64");
  });

  it('infers symbolic batch shapes through the graph and names nodes by scope and operator', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['batch', 1, 28, 28]);
    const y = g.scope('conv1', () => g.relu(g.conv(x, g.initializer('weight', new Float32Array(8 * 9), [8, 1, 3, 3]), undefined, { pads: [1, 1, 1, 1], strides: [2, 2] })));
    expect(y.shape).toEqual(['batch', 8, 14, 14]);
    const flat = g.reshape(y, [-1, 8 * 14 * 14]);
    expect(flat.shape).toEqual(['batch', 1568]);
    g.output(flat, 'features');
    const nodes = (decodeModel(g.toBytes()).graph?.node ?? []).map((n) => `${n.name}:${n.output[0]}`);
    expect(nodes).toEqual(['conv1/conv:conv1/conv', 'conv1/relu:conv1/relu', 'reshape:features']);
  });

  it('infers MaxPool shapes with a symbolic batch and refuses windows larger than the input or malformed attributes', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['batch', 4, 24, 24]);
    expect(g.scope('pool1', () => g.maxPool(x, [2, 2], [2, 2])).shape).toEqual(['batch', 4, 12, 12]);
    expect(g.maxPool(x, [5, 3], [2, 3]).shape).toEqual(['batch', 4, 10, 8]);
    expect(() => g.maxPool(x, [25, 2], [1, 1], 'big')).toThrow("node 'big' (MaxPool): kernel_shape [25, 2] is larger than input [batch, 4, 24, 24]");
    expect(() => g.maxPool(x, [2], [2], 'rank')).toThrow("node 'rank' (MaxPool): kernel_shape [2] must be 2 positive integers for X [batch, 4, 24, 24]");
    expect(() => g.maxPool(x, [2, 2], [0, 2], 'stride')).toThrow("node 'stride' (MaxPool): strides [0, 2] must be 2 positive integers");
    const flat = g.input('flat', 'float32', ['batch', 784]);
    expect(() => g.maxPool(flat, [2, 2], [2, 2], 'flat_pool')).toThrow("node 'flat_pool' (MaxPool): X [batch, 784] must be [N, C, spatial...]");
  });

  it('serialises the same graph to the same bytes, whatever the metadata insertion order', () => {
    const make = (meta: Record<string, string>) => {
      const g = new GraphBuilder();
      const x = g.input('x', 'float32', ['batch', 2]);
      g.output(g.add(x, g.initializer('b', f32(1, 2), [2])), 'y');
      return g.toBytes({ metadata: meta });
    };
    expect(Buffer.from(make({ a: '1', b: '2' })).equals(Buffer.from(make({ b: '2', a: '1' })))).toBe(true);
  });

  it('refuses opsets it does not emit correctly', () => {
    expect(() => new GraphBuilder({ opset: 12 })).toThrow('opset 12 is not supported: use 13..26');
  });
});
