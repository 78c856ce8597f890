import { GraphBuilder, decodeModel } from '@cristal/onnx';
import { denseMlpBytes, floatTensor, int64Tensor, node, plainModel } from './cost.test-helpers';
import { ATTRIBUTE_TYPE, ONNX_DATA_TYPE } from './onnx-structure';
import { countParameters } from './parameter-count';

describe('countParameters', () => {
  it('counts every weight and bias of an exported dense MLP 784-400-400-10 exactly', () => {
    expect(countParameters(decodeModel(denseMlpBytes([784, 400, 400, 10])))).toBe(784 * 400 + 400 + 400 * 400 + 400 + 400 * 10 + 10);
  });

  it('does not count int64 shape and axes initializers', () => {
    const g = new GraphBuilder({ name: 'reshaped' });
    const x = g.input('pixels', 'float32', ['batch', 784]);
    const w = g.initializer('w', new Float32Array(784 * 10), [784, 10]);
    const image = g.reshape(x, [-1, 28, 28]);
    const flat = g.reshape(g.unsqueeze(image, [1]), [-1, 784]);
    g.output(g.softmax(g.reduceSum(g.unsqueeze(g.matMul(flat, w), [2]), [2], false), -1), 'probabilities');
    const model = g.build();
    // the builder stored five int64 tensors (two Reshape targets, three axes) beside the one weight
    expect(model.graph?.initializer.filter((t) => t.dataType === ONNX_DATA_TYPE.INT64)).toHaveLength(5);
    expect(countParameters(model)).toBe(784 * 10);
  });

  it('counts float16, float64 and bfloat16 tensors but no integer or bool ones', () => {
    const model = plainModel({
      initializers: [
        floatTensor('f32', [3, 4]),
        floatTensor('f16', [5], ONNX_DATA_TYPE.FLOAT16),
        floatTensor('f64', [2, 2], ONNX_DATA_TYPE.DOUBLE),
        floatTensor('bf16', [7], ONNX_DATA_TYPE.BFLOAT16),
        floatTensor('scalar', []),
        floatTensor('i32', [100], ONNX_DATA_TYPE.INT32),
        floatTensor('mask', [100], ONNX_DATA_TYPE.BOOL),
        int64Tensor('shape', [-1, 784]),
      ],
      nodes: [node('Relu', ['pixels'], ['y'])],
    });
    expect(countParameters(model)).toBe(12 + 5 + 4 + 7 + 1);
  });

  it("counts Constant nodes' floats (weights some exporters store that way) but not their integers", () => {
    const model = plainModel({
      nodes: [
        node('Constant', [], ['weight'], { value: { tensor: floatTensor('weight', [784, 10]) } }),
        node('Constant', [], ['temperature'], { value_float: { float: 1.5 } }),
        { name: 'scales', opType: 'Constant', input: [], output: ['scales'], attribute: [{ name: 'value_floats', type: ATTRIBUTE_TYPE.FLOATS, floats: [1, 2, 3] }] },
        node('Constant', [], ['target'], { value_ints: [-1, 784] }),
        node('Constant', [], ['axis'], { value: { tensor: int64Tensor('axis', [1]) } }),
        node('MatMul', ['pixels', 'weight'], ['y']),
      ],
    });
    expect(countParameters(model)).toBe(7840 + 1 + 3);
  });

  it('counts the stored values of sparse initializers and the tensors of subgraphs', () => {
    const branch = { node: [], initializer: [floatTensor('inner', [6])], input: [], output: [] };
    const withExtras = {
      graph: {
        node: [{ name: 'if', opType: 'If', input: ['c'], output: ['z'], attribute: [{ name: 'then_branch', type: ATTRIBUTE_TYPE.GRAPH, g: branch }] }],
        initializer: [],
        sparseInitializer: [{ dims: [1000n, 1000n], values: floatTensor('nonzeros', [42]) }],
        input: [],
        output: [],
      },
    };
    expect(countParameters(withExtras)).toBe(42 + 6);
  });
});
