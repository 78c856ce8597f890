import { fakeModel, fakeSpikingModel } from '../report/report-fixtures.test-helpers';
import { aggregateSeedScores } from './aggregate-seeds';
import type { ModelScore } from './leaderboard-types';

/** Three seeds of one model, with scores chosen so the means and spreads are hand-checkable. */
function seeds(make: (id: string, accuracy: number) => ModelScore = fakeModel): ModelScore[] {
  return [0.97, 0.98, 0.99].map((accuracy, i) => {
    const m = make(`m-seed${i}`, accuracy);
    m.source = `run-${i}`;
    m.test = { ...m.test, nll: 0.1 * (i + 1), ece: 0.01 * (i + 1), brier: 0.02 };
    m.oodAuroc = 0.8 + 0.05 * i;
    m.rotation = [
      { degrees: 0, accuracy, ece: 0.01 },
      { degrees: 30, accuracy: 0.5 + 0.1 * i, ece: 0.1 },
    ];
    m.test.reliability = [
      { lower: 0.8, upper: 0.9, count: 10 * (i + 1), confidence: 0.85, accuracy: i === 0 ? 0.5 : 1 },
      { lower: 1, upper: 1, count: i, confidence: 1, accuracy: 1 },
    ];
    m.speed = { latencyMs: [3, 1, 2][i], throughputPerSecond: [100, 300, 200][i], throughputBatch: 256 };
    return m;
  });
}

describe('aggregateSeedScores', () => {
  it('averages the scores, gives the sample spread over seeds, and keeps every source', () => {
    const row = aggregateSeedScores('m', 'Model M', seeds());
    expect(row).toMatchObject({ id: 'm', label: 'Model M', source: 'run-0, run-1, run-2' });
    expect(row.test.accuracy).toBeCloseTo(0.98, 12);
    expect(row.test.nll).toBeCloseTo(0.2, 12);
    expect(row.oodAuroc).toBeCloseTo(0.85, 12);
    // sample std of 0.97, 0.98, 0.99 is 0.01; of 0.1, 0.2, 0.3 is 0.1
    expect(row.seeds?.count).toBe(3);
    expect(row.seeds?.std.accuracy).toBeCloseTo(0.01, 12);
    expect(row.seeds?.std.nll).toBeCloseTo(0.1, 12);
    expect(row.seeds?.std.brier).toBe(0);
    expect(row.seeds?.sources).toEqual(['run-0', 'run-1', 'run-2']);
    expect(row.rotation.map((r) => [r.degrees, Number(r.accuracy.toFixed(12))])).toEqual([
      [0, 0.98],
      [30, 0.6],
    ]);
    // medians, not means, for timings on a noisy machine
    expect(row.speed).toEqual({ latencyMs: 2, throughputPerSecond: 200, throughputBatch: 256 });
  });

  it('pools the reliability bins: counts add up, accuracy is weighted by count', () => {
    const row = aggregateSeedScores('m', 'M', seeds());
    // 10 images at 0.5 and 50 at 1: (5 + 50) / 60
    expect(row.test.reliability[0]).toMatchObject({ lower: 0.8, upper: 0.9, count: 60 });
    expect(row.test.reliability[0].accuracy).toBeCloseTo(55 / 60, 12);
    expect(row.test.reliability[1]).toMatchObject({ lower: 1, upper: 1, count: 3, accuracy: 1 });
  });

  it('averages the spiking cost, keeps null counts null, and refuses seeds that are not the same model', () => {
    const spiking = aggregateSeedScores('s', 'S', seeds(fakeSpikingModel));
    expect(spiking.cost.sopsPerSample).not.toBeNull();
    expect(aggregateSeedScores('m', 'M', seeds()).cost.sopsPerSample).toBeNull();
    const mixed = seeds();
    mixed[1].cost = { ...mixed[1].cost, parameters: mixed[1].cost.parameters + 1 };
    expect(() => aggregateSeedScores('m', 'M', mixed)).toThrow(/different parameter counts/);
    expect(() => aggregateSeedScores('m', 'M', [])).toThrow(/no scores for m/);
  });
});
