import { tf, assertNoTensorLeak, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture, type PcActivation } from './architecture';
import { pcEnergy } from './energy';
import { disposeRelaxation, relax } from './inference';
import { disposePcParams, paramTensors, type PcParams } from './params';
import { resolvePcOptions, type PcOptionsInput } from './pc-options';
import { randomRefCase, refRelax, t2, toParams, type RefOptions } from './pc.test-helpers';

const rows = (t: Tensor) => t.arraySync() as number[][];

function expectRowsClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], digits)));
}

describe('value-node dynamics on hand-made numbers', () => {
  // 2-2-1 linear network: W_0 = I, b_0 = [0, 1], W_1 = [[1], [-1]], b_1 = [0.5];
  // x_0 = [[1, 2], [0, 1]], y = [[1], [0]].
  // Feedforward: x̄_1 = [[1, 3], [0, 2]], x̄_2 = [[-1.5], [-1.5]]. Clamped: eps_1 = 0, eps_2 = y - x̄_2 = [[2.5], [1.5]].
  const architecture = pcArchitecture([2, 2, 1], 'linear');
  let params: PcParams;
  let x0: Tensor2D;
  let y: Tensor2D;
  beforeAll(() => {
    params = { weights: [tf.tensor2d([[1, 0], [0, 1]]) as Tensor2D, tf.tensor2d([[1], [-1]]) as Tensor2D], biases: [tf.tensor1d([0, 1]) as Tensor1D, tf.tensor1d([0.5]) as Tensor1D] };
    x0 = tf.tensor2d([[1, 2], [0, 1]]);
    y = tf.tensor2d([[1], [0]]);
  });
  afterAll(() => tf.dispose([...paramTensors(params), x0, y]));

  function run(options: PcOptionsInput) {
    const r = relax(params, architecture, x0, y, resolvePcOptions(architecture, options), { recordEnergy: true });
    const out = { x1: rows(r.valueNodes[1]), x2: rows(r.valueNodes[2]), energies: r.energies as number[], input: r.valueNodes[0], output: r.valueNodes[2] };
    disposeRelaxation(r);
    return out;
  }

  it('two steps of x_1 += eta (-pi_1 eps_1 + f\'(x_1) (pi_2 eps_2 W_1^T)), output clamped', () => {
    const r = run({ stepSize: 0.1, inferenceSteps: 2 });
    // step 1: x_1 = x̄_1 + 0.1 [[2.5, -2.5], [1.5, -1.5]] = [[1.25, 2.75], [0.15, 1.85]]
    // then eps_1 = [[0.25, -0.25], [0.15, -0.15]], eps_2 = y - (x_1 W_1 + 0.5) = [[2], [1.2]]
    // step 2: x_1 += 0.1 ([[-0.25, 0.25], [-0.15, 0.15]] + [[2, -2], [1.2, -1.2]])
    expectRowsClose(r.x1, [[1.425, 2.575], [0.255, 1.745]]);
    expect(r.x2).toEqual([[1], [0]]);
    expect(r.input).toBe(x0);
    expect(r.output).toBe(y);
    // F = 1/2 sum eps^2: 1/2 (2.5^2 + 1.5^2) = 4.25, then 1/2 (2 * 0.25^2 + 2 * 0.15^2 + 2^2 + 1.2^2) = 2.805
    expect(r.energies[0]).toBeCloseTo(4.25, 5);
    expect(r.energies[1]).toBeCloseTo(2.805, 5);
  });

  it('precision pi_2 = 2 doubles the drive from the layer above', () => {
    const r = run({ stepSize: 0.1, inferenceSteps: 1, precisions: [1, 2] });
    expectRowsClose(r.x1, [[1.5, 2.5], [0.3, 1.7]]);
    expect(r.energies[0]).toBeCloseTo(8.5, 5); // (pi_2 / 2) sum eps_2^2
  });

  it('momentum 0.5: v = 0.5 v + step, x += v', () => {
    const r = run({ stepSize: 0.1, inferenceSteps: 2, momentum: 0.5 });
    // v_1 = [[0.25, -0.25], [0.15, -0.15]];  v_2 = 0.5 v_1 + [[0.175, -0.175], [0.105, -0.105]]
    expectRowsClose(r.x1, [[1.55, 2.45], [0.33, 1.67]]);
  });

  it('fixed predictions: eps_2 stays y - x̄_2 while x_1 moves', () => {
    const r = run({ stepSize: 0.1, inferenceSteps: 2, predictions: 'fixed' });
    // step 2: x_1 += 0.1 (-(x_1 - x̄_1) + [[2.5, -2.5], [1.5, -1.5]])
    expectRowsClose(r.x1, [[1.475, 2.525], [0.285, 1.715]]);
  });

  it('nudged output: x_L is free and pulled towards y by gamma (y - x_L)', () => {
    const r = run({ stepSize: 0.1, inferenceSteps: 1, target: { kind: 'nudged', precision: 0.5 } });
    // at the feedforward state every error is 0, so only the nudge moves: x_2 += 0.1 * 0.5 (y - x̄_2)
    expectRowsClose(r.x2, [[-1.375], [-1.425]]);
    expectRowsClose(r.x1, [[1, 3], [0, 2]]);
    // F = (gamma / 2) ||y - x̄_2||^2 = 0.25 (6.25 + 2.25)
    expect(r.energies[0]).toBeCloseTo(2.125, 5);
  });

  it('T = 0 leaves the feedforward sweep with the output clamped', () => {
    const r = run({ inferenceSteps: 0 });
    expectRowsClose(r.x1, [[1, 3], [0, 2]]);
    expect(r.x2).toEqual([[1], [0]]);
    expect(r.energies).toHaveLength(1);
  });
});

describe('(d) the energy decreases at every inference step', () => {
  it.each([
    ['5-4-3-2 tanh, clamped', [5, 4, 3, 2], {}],
    ['5-4-3-2 tanh, nudged', [5, 4, 3, 2], { target: { kind: 'nudged', precision: 0.1 } }],
    ['784-256-256-10 tanh (the reference workload), clamped', [784, 256, 256, 10], {}],
  ] as [string, number[], PcOptionsInput][])('%s', (_name, sizes, extra) => {
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 16, 3, sizes[0] > 100 ? 1 : 2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture, { stepSize: 0.1, inferenceSteps: 60, ...extra });
    const r = relax(params, architecture, x, target, options, { recordEnergy: true });
    const energies = r.energies as number[];
    expect(energies).toHaveLength(61);
    for (let t = 1; t < energies.length; t++) expect(energies[t]).toBeLessThan(energies[t - 1]);
    console.log(`(d) ${_name}: F ${energies[0].toFixed(4)} -> ${energies[60].toFixed(4)} over 60 steps, every step lower`);
    // the energy recorded inside the loop is pcEnergy of the same state
    const standalone = pcEnergy(params, architecture, { valueNodes: r.valueNodes, feedforward: r.feedforward, target }, options);
    expect(standalone.dataSync()[0]).toBeCloseTo(energies[60], 3);
    tf.dispose([standalone, x, target]);
    disposeRelaxation(r);
    disposePcParams(params);
  });
});

describe('parity with the float64 oracle (5-4-3-2, batch 6, 30 steps)', () => {
  const cases: [string, PcActivation, PcOptionsInput, Partial<RefOptions>][] = [
    ['tanh, standard', 'tanh', {}, {}],
    ['sigmoid, standard, precisions [1, 0.5, 2]', 'sigmoid', { precisions: [1, 0.5, 2] }, { precisions: [1, 0.5, 2] }],
    ['relu, standard', 'relu', {}, {}],
    ['tanh, fixed predictions', 'tanh', { predictions: 'fixed' }, { predictions: 'fixed' }],
    ['tanh, nudged gamma 0.3', 'tanh', { target: { kind: 'nudged', precision: 0.3 } }, { nudge: 0.3 }],
    ['tanh, momentum 0.7', 'tanh', { momentum: 0.7 }, { momentum: 0.7 }],
  ];
  it.each(cases)('%s', (_name, activation, options, refOptions) => {
    const sizes = [5, 4, 3, 2];
    const architecture = pcArchitecture(sizes, activation);
    const { net, x0, y } = randomRefCase(sizes, activation, 6, 11, 2);
    const ref = refRelax(net, x0, y, { T: 30, eta: 0.15, precisions: [1, 1, 1], predictions: 'recomputed', nudge: null, ...refOptions });
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const r = relax(params, architecture, x, target, resolvePcOptions(architecture, { stepSize: 0.15, inferenceSteps: 30, ...options }), { recordEnergy: true });
    let maxAbs = 0;
    r.valueNodes.forEach((node, l) => rows(node).forEach((row, i) => row.forEach((v, j) => (maxAbs = Math.max(maxAbs, Math.abs(v - ref.x[l][i][j]))))));
    const energyRel = Math.max(...(r.energies as number[]).map((e, t) => Math.abs(e - ref.energies[t]) / ref.energies[t]));
    expect(maxAbs).toBeLessThan(1e-5);
    expect(energyRel).toBeLessThan(1e-5);
    tf.dispose([x, target]);
    disposeRelaxation(r);
    disposePcParams(params);
  });
});

describe('a network without hidden layers (L = 1)', () => {
  it('has nothing to infer when clamped, and only the output to move when nudged (vs the float64 oracle)', () => {
    const architecture = pcArchitecture([4, 3], 'tanh');
    const { net, x0, y } = randomRefCase([4, 3], 'tanh', 5, 8);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const clamped = relax(params, architecture, x, target, resolvePcOptions(architecture, { inferenceSteps: 5 }), { recordEnergy: true });
    const energies = clamped.energies as number[];
    expect(new Set(energies).size).toBe(1);
    const nudged = relax(params, architecture, x, target, resolvePcOptions(architecture, { inferenceSteps: 5, target: { kind: 'nudged', precision: 0.5 } }));
    const ref = refRelax(net, x0, y, { T: 5, eta: 0.1, precisions: [1], predictions: 'recomputed', nudge: 0.5 });
    rows(nudged.valueNodes[1]).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref.x[1][i][j])).toBeLessThan(1e-6)));
    [clamped, nudged].forEach(disposeRelaxation);
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});

describe('memory', () => {
  it('relax and disposeRelaxation leave no tensors behind, in every mode', () => {
    const architecture = pcArchitecture([5, 4, 3, 2], 'tanh');
    const { net, x0, y } = randomRefCase([5, 4, 3, 2], 'tanh', 4, 1);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const modes: PcOptionsInput[] = [{}, { predictions: 'fixed' }, { momentum: 0.5 }, { target: { kind: 'nudged', precision: 0.1 } }];
    assertNoTensorLeak(
      (i) => {
        const r = relax(params, architecture, x, target, resolvePcOptions(architecture, { inferenceSteps: 5, ...modes[i % modes.length] }), { recordEnergy: i % 2 === 0 });
        disposeRelaxation(r);
      },
      { iterations: 8, label: 'relax' },
    );
    tf.dispose([x, target]);
    disposePcParams(params);
  });

  it('rejects a target of the wrong shape, saying what shape it needs', () => {
    const architecture = pcArchitecture([5, 4, 2], 'tanh');
    const { net } = randomRefCase([5, 4, 2], 'tanh', 1, 1);
    const params = toParams(net);
    const x = tf.zeros([3, 5]) as Tensor2D;
    const y = tf.zeros([3, 10]) as Tensor2D;
    expect(() => relax(params, architecture, x, y, resolvePcOptions(architecture))).toThrow(/target must have shape \[3, 2\].*got \[3, 10\]/);
    const wrongInput = tf.zeros([3, 7]) as Tensor2D;
    const rightTarget = tf.zeros([3, 2]) as Tensor2D;
    expect(() => relax(params, architecture, wrongInput, rightTarget, resolvePcOptions(architecture))).toThrow(/input must have shape \[batch, 5\], got \[3, 7\]/);
    tf.dispose([x, y, wrongInput, rightTarget]);
    disposePcParams(params);
  });
});
