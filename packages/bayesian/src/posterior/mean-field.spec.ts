import { tf, RandomStream } from '@cristal/tensor';
import { createMeanFieldPosterior, DEFAULT_RHO } from './mean-field';

describe('mean-field posterior initialisation', () => {
  it('draws He-initialised means (variance 2 / fanIn) and fills rho with the default -5', () => {
    const p = createMeanFieldPosterior({ shape: [500, 200], fanIn: 500, fanOut: 200, rng: new RandomStream(1, 'init'), name: 'w' });
    const mu = p.mu.dataSync();
    let ss = 0;
    for (const v of mu) ss += v * v;
    // sample variance of 100,000 draws: relative standard error sqrt(2 / 1e5) ~ 0.45%
    expect(Math.abs(ss / mu.length / (2 / 500) - 1)).toBeLessThan(0.02);
    expect(new Set(p.rho.dataSync()).size).toBe(1);
    expect(p.rho.dataSync()[0]).toBe(DEFAULT_RHO);
    tf.dispose([p.mu, p.rho]);
  });

  it('honours normal, glorot and zeros mean initialisations and a given rho', () => {
    const make = (meanInit: Parameters<typeof createMeanFieldPosterior>[0]['meanInit'], rhoInit?: number) =>
      createMeanFieldPosterior({ shape: [300, 100], fanIn: 300, fanOut: 100, meanInit, rhoInit, rng: new RandomStream(2, 'init'), name: 'w' });
    const variance = (p: ReturnType<typeof make>) => {
      const v = p.mu.dataSync() as Float32Array;
      let ss = 0;
      for (const x of v) ss += x * x;
      return ss / v.length;
    };
    const normal = make({ kind: 'normal', std: 0.05 }, -3);
    const glorot = make({ kind: 'glorot' });
    const zeros = make({ kind: 'zeros' });
    expect(Math.abs(variance(normal) / 0.0025 - 1)).toBeLessThan(0.03);
    expect(Math.abs(variance(glorot) / (2 / 400) - 1)).toBeLessThan(0.03);
    expect(variance(zeros)).toBe(0);
    expect(normal.rho.dataSync()[0]).toBe(-3);
    for (const p of [normal, glorot, zeros]) tf.dispose([p.mu, p.rho]);
  });

  it('copies a given initial posterior (the caller keeps its tensors) and checks its shape', () => {
    const mu = tf.ones([2, 3]);
    const rho = tf.fill([2, 3], -4);
    const p = createMeanFieldPosterior({ shape: [2, 3], fanIn: 2, fanOut: 3, initial: { mu, rho }, rng: new RandomStream(3, 'init'), name: 'w' });
    mu.dispose();
    expect(Array.from(p.mu.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    const other = createMeanFieldPosterior({ shape: [1], fanIn: 1, fanOut: 1, rng: new RandomStream(3, 'init'), name: 'w' });
    expect(p.mu.name).not.toBe(other.mu.name); // variable names are unique even for equal layer names
    tf.dispose([other.mu, other.rho]);
    expect(() => createMeanFieldPosterior({ shape: [3, 2], fanIn: 3, fanOut: 2, initial: { mu: rho, rho }, rng: new RandomStream(3, 'init'), name: 'w' })).toThrow(/expected \[3, 2\]/);
    tf.dispose([rho, p.mu, p.rho]);
  });
});
