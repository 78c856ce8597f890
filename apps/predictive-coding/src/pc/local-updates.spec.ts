// (e) Each local rule against numbers worked out by hand.
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture } from './architecture';
import { localGradients, localGradientsFromErrors } from './local-updates';
import { paramTensors, readParams, type PcParams } from './params';
import { resolvePcOptions } from './pc-options';

const arr = (t: Tensor) => Array.from(t.dataSync());

describe('local weight updates on hand-made numbers', () => {
  // 2-2-1 linear network, batch 2, precisions pi_1 = 1, pi_2 = 2
  //   W_0 = [[1, 0], [0, 1]], b_0 = [0, 1];  W_1 = [[1], [-1]], b_1 = [0.5]
  //   x_0 = [[1, 2], [0, 1]],  x_1 = [[2, 2], [1, 1]],  x_2 = [[1], [0]]
  // predictions and errors:
  //   mu_1 = x_0 W_0 + b_0 = [[1, 3], [0, 2]]       eps_1 = x_1 - mu_1 = [[1, -1], [1, -1]]
  //   mu_2 = x_1 W_1 + b_1 = [[0.5], [0.5]]          eps_2 = x_2 - mu_2 = [[0.5], [-0.5]]
  // gradients of F / B, B = 2:
  //   dW_0 = -(pi_1 / B) x_0^T eps_1 = -(1/2) [[1, -1], [3, -3]] = [[-0.5, 0.5], [-1.5, 1.5]]
  //   db_0 = -(pi_1 / B) sum_b eps_1 = -(1/2) [2, -2] = [-1, 1]
  //   dW_1 = -(pi_2 / B) x_1^T eps_2 = -(2/2) [[0.5], [0.5]] = [[-0.5], [-0.5]]
  //   db_1 = -(pi_2 / B) sum_b eps_2 = -(2/2) [0] = [0]
  const architecture = pcArchitecture([2, 2, 1], 'linear');
  const params = (): PcParams => ({
    weights: [tf.tensor2d([[1, 0], [0, 1]]) as Tensor2D, tf.tensor2d([[1], [-1]]) as Tensor2D],
    biases: [tf.tensor1d([0, 1]) as Tensor1D, tf.tensor1d([0.5]) as Tensor1D],
  });
  const nodes = () => [tf.tensor2d([[1, 2], [0, 1]]) as Tensor2D, tf.tensor2d([[2, 2], [1, 1]]) as Tensor2D, tf.tensor2d([[1], [0]]) as Tensor2D];
  // the feedforward sweep of x_0 (linear): x̄_1 = mu_1 = [[1, 3], [0, 2]], x̄_2 = x̄_1 W_1 + 0.5 = [[-1.5], [-1.5]]
  const sweep = (x: Tensor2D[]) => [x[0], tf.tensor2d([[1, 3], [0, 2]]) as Tensor2D, tf.tensor2d([[-1.5], [-1.5]]) as Tensor2D];

  it('standard PC: dW_l = -(pi_{l+1} / B) f(x_l)^T eps_{l+1}, db_l = -(pi_{l+1} / B) sum eps_{l+1}', () => {
    const p = params();
    const x = nodes();
    const ff = sweep(x);
    const g = localGradients(p, architecture, { valueNodes: x, feedforward: ff }, resolvePcOptions(architecture, { precisions: [1, 2] }));
    const v = readParams(g);
    expect(Array.from(v.weights[0])).toEqual([-0.5, 0.5, -1.5, 1.5]);
    expect(Array.from(v.biases[0])).toEqual([-1, 1]);
    expect(Array.from(v.weights[1])).toEqual([-0.5, -0.5]);
    expect(Array.from(v.biases[1], (b) => b + 0)).toEqual([0]); // + 0 maps -0 to 0
    tf.dispose([...paramTensors(p), ...paramTensors(g), ...x, ff[1], ff[2]]);
  });

  it('tanh hidden layer: the presynaptic term is tanh(x_1); the error uses the prediction tanh(x_1) W_1 + b_1', () => {
    const tanhArch = pcArchitecture([2, 2, 1], 'tanh');
    const p = params();
    const x = nodes();
    const ff = sweep(x); // x̄_1 is the same under tanh (f_0 is the identity); x̄_2 is not used by standard PC
    const g = localGradients(p, tanhArch, { valueNodes: x, feedforward: ff }, resolvePcOptions(tanhArch));
    // mu_2 = tanh(x_1) W_1 + 0.5 = [[t2 - t2 + 0.5], [t1 - t1 + 0.5]] = [[0.5], [0.5]]: eps_2 as before
    // dW_1 = -(1/2) tanh(x_1)^T eps_2 = -(1/2) [[0.5 tanh 2 - 0.5 tanh 1], [0.5 tanh 2 - 0.5 tanh 1]]
    const expected = -0.5 * (0.5 * Math.tanh(2) - 0.5 * Math.tanh(1));
    const w1 = arr(g.weights[1]);
    expect(w1[0]).toBeCloseTo(expected, 6);
    expect(w1[1]).toBeCloseTo(expected, 6);
    // the first layer's rule is untouched by the hidden nonlinearity (f_0 is the identity)
    expect(arr(g.weights[0])).toEqual([-0.5, 0.5, -1.5, 1.5]);
    tf.dispose([...paramTensors(p), ...paramTensors(g), ...x, ff[1], ff[2]]);
  });

  it('fixed predictions: errors against the feedforward values, presynaptic activity from the feedforward sweep', () => {
    const p = params();
    const x = nodes();
    const ff = sweep(x);
    const g = localGradients(p, architecture, { valueNodes: x, feedforward: ff }, resolvePcOptions(architecture, { predictions: 'fixed' }));
    // eps_1 = x_1 - x̄_1 = [[1, -1], [1, -1]] (as before), eps_2 = x_2 - x̄_2 = [[2.5], [1.5]]
    // dW_1 = -(1/2) x̄_1^T eps_2 = -(1/2) [[2.5], [7.5 + 3]] = [[-1.25], [-5.25]];  db_1 = -(1/2) 4 = -2
    const v = readParams(g);
    expect(Array.from(v.weights[0])).toEqual([-0.5, 0.5, -1.5, 1.5]);
    expect(Array.from(v.weights[1])).toEqual([-1.25, -5.25]);
    expect(Array.from(v.biases[1])).toEqual([-2]);
    tf.dispose([...paramTensors(p), ...paramTensors(g), ...x, ff[1], ff[2]]);
  });

  it('a rescaled nudged target divides every update by gamma', () => {
    const p = params();
    const x = nodes();
    const ff = sweep(x);
    const g = localGradients(p, architecture, { valueNodes: x, feedforward: ff }, resolvePcOptions(architecture, { target: { kind: 'nudged', precision: 0.25 } }));
    const v = readParams(g);
    // pi = 1 here: dW_0 = [[-0.5, 0.5], [-1.5, 1.5]] / 0.25, dW_1 = -(1/2) [[0.5], [0.5]] / 0.25
    expect(Array.from(v.weights[0])).toEqual([-2, 2, -6, 6]);
    expect(Array.from(v.weights[1])).toEqual([-1, -1]);
    const raw = localGradients(p, architecture, { valueNodes: x, feedforward: ff }, resolvePcOptions(architecture, { target: { kind: 'nudged', precision: 0.25, rescaleUpdates: false } }));
    expect(arr(raw.weights[0])).toEqual([-0.5, 0.5, -1.5, 1.5]);
    tf.dispose([...paramTensors(p), ...paramTensors(g), ...paramTensors(raw), ...x, ff[1], ff[2]]);
  });

  it('rejects mismatched inputs with a message naming the counts', () => {
    const e = tf.zeros([1, 1]) as Tensor2D;
    expect(() => localGradientsFromErrors([e, e], [e], [1])).toThrow(/2 presynaptic tensors, 1 error tensors and 1 precisions/);
    e.dispose();
  });
});
