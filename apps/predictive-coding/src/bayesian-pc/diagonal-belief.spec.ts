import { tf, assertNoTensorLeak, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { diagonalBeliefTensors, diagonalBeliefUpdate, diagonalPrior, type DiagonalLayerBelief } from './diagonal-belief';

const values = (t: Tensor1D | Tensor2D) => Array.from(t.dataSync());

function belief(mean: number[][], precision: number[][], biasMean: number[], biasPrecision: number[]): DiagonalLayerBelief {
  return { mean: tf.tensor2d(mean), precision: tf.tensor2d(precision), biasMean: tf.tensor1d(biasMean), biasPrecision: tf.tensor1d(biasPrecision) };
}

describe('the diagonal (mean-field) belief update', () => {
  it('equals its formula on hand-made numbers: lambda += pi sum_b a^2, m += (pi / lambda) a^T eps (and the bias with a = 1)', () => {
    // B = 2, n_l = 2, n_{l+1} = 1: a = [[1, 2], [0, 1]], eps = [[0.5], [-1]], pi = 2
    const prior = belief([[0.1], [-0.2]], [[1], [3]], [0.3], [2]);
    const a = tf.tensor2d([[1, 2], [0, 1]]) as Tensor2D;
    const eps = tf.tensor2d([[0.5], [-1]]) as Tensor2D;
    const next = diagonalBeliefUpdate(prior, { presynaptic: a, error: eps, errorPrecision: 2, priorPrecision: 1, forgetting: 1 });
    // lambda: 1 + 2 (1 + 0) = 3, 3 + 2 (4 + 1) = 13; a^T eps = [0.5, 2 * 0.5 - 1] = [0.5, 0]
    expect(values(next.precision)).toEqual([3, 13]);
    expect(values(next.mean)[0]).toBeCloseTo(0.1 + (2 / 3) * 0.5, 6);
    expect(values(next.mean)[1]).toBeCloseTo(-0.2, 6);
    // bias: lambda_b = 2 + 2 * B = 6, m_b = 0.3 + (2 / 6) (0.5 - 1)
    expect(values(next.biasPrecision)).toEqual([6]);
    expect(values(next.biasMean)[0]).toBeCloseTo(0.3 - 1 / 6, 6);
    // forgetting rho = 0.5 re-mixes the prior: lambda = 0.5 lambda + 0.5 lambda0 + data
    const forgetful = diagonalBeliefUpdate(prior, { presynaptic: a, error: eps, errorPrecision: 2, priorPrecision: 1, forgetting: 0.5 });
    expect(values(forgetful.precision)).toEqual([0.5 + 0.5 + 2, 1.5 + 0.5 + 10]);
    expect(values(forgetful.biasPrecision)).toEqual([1 + 0.5 + 4]);
    expect(values(forgetful.mean)[0]).toBeCloseTo(0.1 + (2 / 3) * 0.5, 6);
    tf.dispose([...diagonalBeliefTensors(prior), ...diagonalBeliefTensors(next), ...diagonalBeliefTensors(forgetful), a, eps]);
  });

  it('one weight, one datum: the mean update is the exact conjugate posterior mean (lambda0 m0 + pi a (x - b)) / (lambda0 + pi a^2)', () => {
    for (const [m0, lambda0, pi, a, x, b] of [
      [0.3, 2, 1, 1.5, -0.7, 0.1],
      [-1.2, 0.5, 4, -0.8, 2.0, -0.3],
      [0, 10, 0.2, 3, 1, 0],
    ]) {
      const prior = belief([[m0]], [[lambda0]], [b], [1]);
      const aT = tf.tensor2d([[a]]) as Tensor2D;
      // the PC error at the current mean: eps = x - (a m0 + b)
      const eps = tf.tensor2d([[x - (a * m0 + b)]]) as Tensor2D;
      const next = diagonalBeliefUpdate(prior, { presynaptic: aT, error: eps, errorPrecision: pi, priorPrecision: lambda0, forgetting: 1 });
      const exactPrecision = lambda0 + pi * a * a;
      const exactMean = (lambda0 * m0 + pi * a * (x - b)) / exactPrecision;
      expect(values(next.mean)[0]).toBeCloseTo(exactMean, 5);
      expect(values(next.precision)[0]).toBeCloseTo(exactPrecision, 5);
      tf.dispose([...diagonalBeliefTensors(prior), ...diagonalBeliefTensors(next), aT, eps]);
    }
  });

  it('with rho = 1 the precision does not depend on how the data are split into batches; with rho < 1 it never falls below lambda0', () => {
    const rng = new RandomStreams(3);
    const a = rng.data.uniformTensor([12, 5], -1, 1) as Tensor2D;
    const eps = rng.data.uniformTensor([12, 4], -1, 1) as Tensor2D;
    const lambda0 = 2;
    const start = () => diagonalPrior(tf.zeros([5, 4]) as Tensor2D, tf.zeros([4]) as Tensor1D, lambda0);
    const run = (splits: number[], rho: number) => {
      let current = start();
      let offset = 0;
      for (const size of splits) {
        const part = { presynaptic: a.slice([offset, 0], [size, 5]) as Tensor2D, error: eps.slice([offset, 0], [size, 4]) as Tensor2D };
        const next = diagonalBeliefUpdate(current, { ...part, errorPrecision: 1.5, priorPrecision: lambda0, forgetting: rho });
        tf.dispose([...diagonalBeliefTensors(current), part.presynaptic, part.error]);
        current = next;
        offset += size;
      }
      return current;
    };
    const whole = run([12], 1);
    const pieces = run([3, 4, 5], 1);
    const singles = run(Array.from({ length: 12 }, () => 1), 1);
    const p = values(whole.precision);
    [pieces, singles].forEach((other) => values(other.precision).forEach((v, i) => expect(Math.abs(v - p[i]) / p[i]).toBeLessThan(1e-6)));
    expect(values(singles.biasPrecision)).toEqual(values(whole.biasPrecision));
    // the closed form: lambda0 + 1.5 sum_b a_bi^2
    const aRows = a.arraySync() as number[][];
    for (let i = 0; i < 5; i++) expect(p[i * 4]).toBeCloseTo(lambda0 + 1.5 * aRows.reduce((s, r) => s + r[i] ** 2, 0), 4);
    const forgetful = run(Array.from({ length: 12 }, () => 1), 0.5);
    expect(Math.min(...values(forgetful.precision))).toBeGreaterThanOrEqual(lambda0);
    tf.dispose([...[whole, pieces, singles, forgetful].flatMap(diagonalBeliefTensors), a, eps]);
  });

  it('leaves no tensors behind and rejects mismatched shapes with the shapes it needs', () => {
    const prior = diagonalPrior(tf.zeros([3, 2]) as Tensor2D, tf.zeros([2]) as Tensor1D, 1);
    const a = tf.ones([4, 3]) as Tensor2D;
    const eps = tf.ones([4, 2]) as Tensor2D;
    assertNoTensorLeak(() => tf.dispose(diagonalBeliefTensors(diagonalBeliefUpdate(prior, { presynaptic: a, error: eps, errorPrecision: 1, priorPrecision: 1, forgetting: 0.9 }))), {
      label: 'diagonalBeliefUpdate',
    });
    expect(() => diagonalBeliefUpdate(prior, { presynaptic: eps, error: eps, errorPrecision: 1, priorPrecision: 1, forgetting: 1 })).toThrow(
      'the layer has weights [3, 2], so it needs presynaptic activity [B, 3] and errors [B, 2] with the same B; got [4, 2] and [4, 2]',
    );
    tf.dispose([...diagonalBeliefTensors(prior), a, eps]);
  });
});
