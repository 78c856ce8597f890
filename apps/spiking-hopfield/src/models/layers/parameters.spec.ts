import { tf, RandomStream } from '@cristal/tensor';
import { disposeParameters, drawVariable, flattenParameters, trainableVariables } from './parameters';

describe('parameter trees', () => {
  it('flattens nested parameters by path, lists trainable variables and disposes everything', () => {
    const stream = new RandomStream(1, 'init');
    const before = tf.memory().numTensors;
    const tree = {
      readout: { weight: drawVariable(stream, [2, 3], { uniform: 0.5 }, 'weight', 'params-spec/readout'), bias: tf.zeros([3]) },
      query: drawVariable(stream, [1, 4], { normal: 1 }, 'query'),
    };
    expect(Object.keys(flattenParameters(tree))).toEqual(['readout/weight', 'readout/bias', 'query']);
    expect(trainableVariables(tree).map((v) => v.name)[0]).toBe('params-spec/readout/weight');
    expect(trainableVariables(tree)).toHaveLength(2);
    const w = tree.readout.weight.dataSync();
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(0.5);
    disposeParameters(tree);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => flattenParameters({ beta: 2 })).toThrow("flattenParameters: 'beta' is 2, not a tensor");
  });
});
