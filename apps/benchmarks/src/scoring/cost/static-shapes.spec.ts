import { GraphBuilder, type Shape, type Value } from '@cristal/onnx';
import { floatTensor, int64Tensor, node, plainModel, tensorInfo } from './cost.test-helpers';
import { ONNX_DATA_TYPE } from './onnx-structure';
import { StaticShapeError } from './static-shape-error';
import { inferStaticShapes } from './static-shapes';
import { formatSymShape } from './sym-int';

/** The pass's shape of `name`, as '[B, 16]'. */
function shapeOf(model: Parameters<typeof inferStaticShapes>[0], name: string): string {
  const v = inferStaticShapes(model).values.get(name);
  if (!v) throw new Error(`no value '${name}'`);
  return formatSymShape(v.shape);
}

/** GraphBuilder's own inferred shape in the pass's notation ('batch' is B; the builder writes 'batch*k' for k B). */
function builderShape(shape: Shape): string {
  const dim = (d: number | string) => {
    if (typeof d === 'number') return String(d);
    const m = /^batch(?:\*(\d+))?$/.exec(d);
    if (!m) throw new Error(`unexpected builder symbol ${d}`);
    return m[1] ? `${m[1]}·B` : 'B';
  };
  return `[${shape.map(dim).join(', ')}]`;
}

/** Textbook output size of a convolution / pooling window along one axis (floor mode). */
function textbookSize(size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}

describe('inferStaticShapes', () => {
  it('agrees with GraphBuilder on every operator the @cristal exporters emit', () => {
    const g = new GraphBuilder({ name: 'all_ops' });
    const zeros = (name: string, dims: number[]) => g.initializer(name, new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    const x = g.input('pixels', 'float32', ['batch', 784]);
    const b16 = zeros('b16', [16]);
    const values: Value[] = [];
    const keep = (v: Value) => (values.push(v), v);
    const h = keep(g.gemm(x, zeros('w', [784, 16]), b16));
    const h2 = keep(g.gemm(x, zeros('w_t', [16, 784]), undefined, { transB: true }));
    const h3 = keep(g.gemm(keep(g.transpose(x, [1, 0])), zeros('w_a', [784, 16]), undefined, { transA: true }));
    const logits = keep(g.matMul(h, zeros('w2', [16, 10])));
    const mixed = keep(g.div(keep(g.mul(keep(g.sub(keep(g.add(h, h2)), h3)), b16)), b16));
    const hi = keep(g.max([mixed, h, h2]));
    const lo = keep(g.min([mixed, h]));
    const fired = keep(g.greater(hi, lo));
    keep(g.cast(fired, 'float32'));
    const picked = keep(g.where(fired, hi, lo));
    keep(g.identity(keep(g.sigmoid(keep(g.tanh(keep(g.relu(keep(g.log(keep(g.exp(keep(g.softmax(logits, -1))))))))))))));
    keep(g.reduceSum(picked, [1], true));
    keep(g.reduceMean(picked, [1], false));
    const image = keep(g.reshape(x, [-1, 1, 28, 28]));
    const conv = keep(g.conv(image, zeros('k', [4, 1, 5, 5]), zeros('kb', [4]), { pads: [2, 2, 2, 2], strides: [2, 2] }));
    keep(g.maxPool(conv, [2, 2], [2, 2]));
    keep(g.concat([h, h2, h3], 1));
    keep(g.squeeze(keep(g.unsqueeze(h, [0, 3])), [0]));
    keep(g.reshape(x, [-1]));
    for (const v of values) g.output(v);
    const model = g.build();
    const pass = inferStaticShapes(model);
    for (const v of values) expect(`${v.name} ${formatSymShape(pass.values.get(v.name)?.shape ?? [])}`).toBe(`${v.name} ${builderShape(v.shape)}`);
    // spot checks of the closed forms behind the comparison
    expect(shapeOf(model, conv.name)).toBe('[B, 4, 14, 14]');
    expect(shapeOf(model, values[values.length - 1].name)).toBe('[784·B]');
  });

  it('gives Conv the textbook output size with padding, stride, dilation and groups', () => {
    const g = new GraphBuilder({ name: 'conv' });
    const x = g.input('x', 'float32', ['batch', 4, 13, 11]);
    const w = g.initializer('w', new Float32Array(6 * 2 * 3 * 2), [6, 2, 3, 2]);
    const y = g.conv(x, w, undefined, { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1], group: 2 });
    g.output(y);
    const h = textbookSize(13, 3, 2, 2, 1, 2); // floor((13 + 3 - 4 - 1) / 2) + 1 = 6
    const wOut = textbookSize(11, 2, 3, 1, 0, 1); // floor((11 + 1 - 1 - 1) / 3) + 1 = 4
    expect([h, wOut]).toEqual([6, 4]);
    expect(shapeOf(g.build(), y.name)).toBe(`[B, 6, ${h}, ${wOut}]`);
    expect(builderShape(y.shape)).toBe(`[B, 6, ${h}, ${wOut}]`);
  });

  it('follows auto_pad VALID, SAME_UPPER and SAME_LOWER, and pooling ceil mode', () => {
    const model = plainModel({
      inputs: [tensorInfo('x', ['batch', 3, 13, 13])],
      initializers: [floatTensor('w', [8, 3, 3, 3])],
      nodes: [
        node('Conv', ['x', 'w'], ['valid'], { auto_pad: 'VALID', strides: [2, 2], dilations: [2, 2] }),
        node('Conv', ['x', 'w'], ['same_upper'], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
        node('Conv', ['x', 'w'], ['same_lower'], { auto_pad: 'SAME_LOWER', strides: [3, 3] }),
        node('MaxPool', ['x'], ['floor_pool'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('MaxPool', ['x'], ['ceil_pool', 'indices'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
        node('AveragePool', ['x'], ['padded_pool'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        node('GlobalAveragePool', ['x'], ['global']),
      ],
    });
    expect(shapeOf(model, 'valid')).toBe(`[B, 8, ${textbookSize(13, 3, 2, 2, 0, 0)}, 5]`); // floor(8 / 2) + 1
    expect(shapeOf(model, 'same_upper')).toBe('[B, 8, 7, 7]'); // ceil(13 / 2)
    expect(shapeOf(model, 'same_lower')).toBe('[B, 8, 5, 5]'); // ceil(13 / 3)
    expect(shapeOf(model, 'floor_pool')).toBe('[B, 3, 6, 6]');
    expect(shapeOf(model, 'ceil_pool')).toBe('[B, 3, 7, 7]');
    expect(shapeOf(model, 'indices')).toBe('[B, 3, 7, 7]');
    expect(shapeOf(model, 'padded_pool')).toBe(`[B, 3, ${textbookSize(13, 3, 2, 1, 1, 1)}, 7]`);
    expect(shapeOf(model, 'global')).toBe('[B, 3, 1, 1]');
  });

  it('resolves Reshape with -1 and 0, including the batch folded into other axes', () => {
    const model = plainModel({
      initializers: [int64Tensor('to_image', [-1, 4, 14, 14]), int64Tensor('copy_batch', [0, -1]), int64Tensor('split', [-1, 2, 392]), int64Tensor('flat', [-1]), int64Tensor('back', [-1, 784])],
      nodes: [
        node('Reshape', ['pixels', 'to_image'], ['image']),
        node('Reshape', ['image', 'copy_batch'], ['rows']),
        node('Reshape', ['pixels', 'split'], ['halves']),
        node('Reshape', ['pixels', 'flat'], ['flat_pixels']),
        node('Reshape', ['flat_pixels', 'back'], ['unflattened']),
      ],
    });
    expect(shapeOf(model, 'image')).toBe('[B, 4, 14, 14]');
    expect(shapeOf(model, 'rows')).toBe('[B, 784]');
    expect(shapeOf(model, 'halves')).toBe('[B, 2, 392]');
    expect(shapeOf(model, 'flat_pixels')).toBe('[784·B]');
    expect(shapeOf(model, 'unflattened')).toBe('[B, 784]');
  });

  it('refuses a Reshape whose -1 would not be a whole multiple of the batch', () => {
    const model = plainModel({ initializers: [int64Tensor('odd', [-1, 5])], nodes: [node('Reshape', ['pixels', 'odd'], ['bad'])] });
    expect(() => inferStaticShapes(model)).toThrow(/^cannot count MACs: node 'bad' \(op Reshape\) cannot infer the -1 reshaping \[B, 784\] to \[-1, 5\]/);
  });

  it("follows PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape", () => {
    const model = plainModel({
      initializers: [int64Tensor('to_image', [-1, 16, 7, 7]), int64Tensor('zero', [0], []), int64Tensor('axes0', [0]), int64Tensor('minus_one', [-1])],
      nodes: [
        node('Reshape', ['pixels', 'to_image'], ['features']),
        node('Shape', ['features'], ['shape']),
        node('Gather', ['shape', 'zero'], ['batch_size'], { axis: 0 }),
        node('Unsqueeze', ['batch_size', 'axes0'], ['batch_1d']),
        node('Concat', ['batch_1d', 'minus_one'], ['target'], { axis: 0 }),
        node('Reshape', ['features', 'target'], ['flat']),
      ],
    });
    const pass = inferStaticShapes(model);
    expect(formatSymShape(pass.values.get('batch_size')?.ints ?? [])).toBe('[B]');
    expect(formatSymShape(pass.values.get('target')?.ints ?? [])).toBe('[B, -1]');
    expect(formatSymShape(pass.values.get('flat')?.shape ?? [])).toBe('[B, 784]');
    // a shape computation does not depend on the pixel values, so a product of it is not data-dependent
    expect(pass.values.get('target')?.fromInput).toBe(false);
    expect(pass.values.get('flat')?.fromInput).toBe(true);
  });

  it('covers the layout and constant operators PyTorch MLP and LeNet exports use', () => {
    const model = plainModel({
      initializers: [
        int64Tensor('to_image', [-1, 1, 28, 28]),
        int64Tensor('starts', [0, 2]),
        int64Tensor('ends', [2 ** 53, -2]),
        int64Tensor('slice_axes', [0, 2]),
        int64Tensor('rows', [0, 2, 3]),
        int64Tensor('expand_to', [5, 1, 1]),
        int64Tensor('sq_axes', [1]),
        int64Tensor('const_shape', [2, 3]),
        floatTensor('gamma', [1]),
        floatTensor('beta', [1]),
        floatTensor('mean', [1]),
        floatTensor('var', [1]),
        floatTensor('row', [1, 784]),
      ],
      nodes: [
        node('Reshape', ['pixels', 'to_image'], ['image']),
        node('BatchNormalization', ['image', 'gamma', 'beta', 'mean', 'var'], ['normed']),
        node('Dropout', ['normed'], ['dropped', 'mask']),
        node('Flatten', ['dropped'], ['flat'], { axis: 2 }),
        node('Flatten', ['dropped'], ['flat_all'], { axis: 0 }),
        node('Slice', ['image', 'starts', 'ends', 'slice_axes'], ['sliced']),
        node('Gather', ['image', 'rows'], ['picked'], { axis: 2 }),
        node('Transpose', ['image'], ['reversed']),
        node('Squeeze', ['image', 'sq_axes'], ['squeezed']),
        node('Squeeze', ['image'], ['squeezed_all']),
        node('Unsqueeze', ['pixels'], ['unsqueezed'], { axes: [-1] }),
        node('Expand', ['row', 'expand_to'], ['expanded']),
        node('ConstantOfShape', ['const_shape'], ['filled']),
        node('Constant', [], ['scalar'], { value_float: { float: 2 } }),
        node('Where', ['mask', 'dropped', 'scalar'], ['selected']),
        node('ReduceMax', ['image'], ['reduced'], { axes: [2, 3], keepdims: 0 }),
        node('ReduceSum', ['image'], ['reduced_all'], { keepdims: 1 }),
        node('Clip', ['pixels'], ['clipped']),
        node('Concat', ['pixels', 'clipped'], ['joined'], { axis: -1 }),
        node('Concat', ['pixels', 'clipped'], ['stacked'], { axis: 0 }),
      ],
    });
    const expected: Record<string, string> = {
      normed: '[B, 1, 28, 28]',
      mask: '[B, 1, 28, 28]',
      flat: '[B, 784]',
      flat_all: '[1, 784·B]',
      sliced: '[B, 1, 24, 28]',
      picked: '[B, 1, 3, 28]',
      reversed: '[28, 28, 1, B]',
      squeezed: '[B, 28, 28]',
      squeezed_all: '[B, 28, 28]',
      unsqueezed: '[B, 784, 1]',
      expanded: '[5, 1, 784]',
      filled: '[2, 3]',
      scalar: '[]',
      selected: '[B, 1, 28, 28]',
      reduced: '[B, 1]',
      reduced_all: '[1, 1, 1, 1]',
      clipped: '[B, 784]',
      joined: '[B, 1568]',
      stacked: '[2·B, 784]',
    };
    const pass = inferStaticShapes(model);
    const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, formatSymShape(pass.values.get(k)?.shape ?? [])]));
    expect(actual).toEqual(expected);
  });

  it('takes axis 0 of every input as the batch, whatever the file declares there', () => {
    for (const declared of ['batch', 'N', 1, 64]) {
      const model = plainModel({ inputs: [tensorInfo('pixels', [declared, 784])], initializers: [floatTensor('w', [784, 10])], nodes: [node('Gemm', ['pixels', 'w'], ['y'])] });
      expect(shapeOf(model, 'y')).toBe('[B, 10]');
    }
  });

  it('resolves nodes listed out of dependency order', () => {
    const model = plainModel({
      initializers: [floatTensor('w', [784, 10])],
      nodes: [node('Softmax', ['logits'], ['probabilities'], { axis: -1 }), node('Relu', ['hidden'], ['logits']), node('MatMul', ['pixels', 'w'], ['hidden'])],
      outputs: ['probabilities'],
    });
    expect(inferStaticShapes(model).nodes.map((n) => n.label)).toEqual(['probabilities', 'logits', 'hidden']);
    expect(shapeOf(model, 'probabilities')).toBe('[B, 10]');
  });

  it('names the node and the operator it does not support', () => {
    const model = plainModel({ nodes: [node('Relu', ['pixels'], ['h']), node('NonMaxSuppression', ['h'], ['boxes'], {}, 'weird')] });
    const error = (() => {
      try {
        inferStaticShapes(model);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StaticShapeError);
    expect((error as StaticShapeError).message).toMatch(/^cannot count MACs: node 'weird' \(op NonMaxSuppression\) is not supported by the static shape pass/);
    expect(error).toMatchObject({ node: 'weird', op: 'NonMaxSuppression' });
  });

  it('refuses operators from other domains and shapes computed from the data', () => {
    const foreign = plainModel({ nodes: [{ ...node('FusedGemm', ['pixels'], ['y']), domain: 'com.microsoft' }] });
    expect(() => inferStaticShapes(foreign)).toThrow(/node 'y' \(op FusedGemm\) is in operator domain 'com.microsoft'/);
    const dataShaped = plainModel({
      nodes: [node('Cast', ['pixels'], ['as_ints'], { to: ONNX_DATA_TYPE.INT64 }), node('ReduceMax', ['as_ints'], ['dims'], { keepdims: 0, axes: [0] }), node('Reshape', ['pixels', 'dims'], ['y'])],
    });
    expect(() => inferStaticShapes(dataShaped)).toThrow(/node 'y' \(op Reshape\) needs its target shape \(input 1 'dims'\) as a constant/);
  });

  it('names the input a node reads that nothing produces', () => {
    const model = plainModel({ nodes: [node('Add', ['pixels', 'ghost'], ['y'])] });
    expect(() => inferStaticShapes(model)).toThrow(/node 'y' \(op Add\) reads 'ghost', which is neither a graph input, an initializer nor the output of a node/);
  });

  it('refuses an input with a symbolic size after the batch axis', () => {
    const model = plainModel({ inputs: [tensorInfo('pixels', ['batch', 'features'])], nodes: [node('Relu', ['pixels'], ['y'])] });
    expect(() => inferStaticShapes(model)).toThrow(/graph input 'pixels' has a symbolic or unknown size on axis 1/);
  });
});
