import { leaderboardColumns, leaderboardTableData, rankModels } from './leaderboard-rows';
import { fakeLeaderboard, fakeModel, fakeModels, fakeSpikingModel } from './report-fixtures.test-helpers';

describe('rankModels', () => {
  it('orders by test accuracy, best first, and breaks accuracy ties by the lower NLL', () => {
    const ranked = rankModels(fakeModels());
    expect(ranked.map((r) => r.model.id)).toEqual(['bnn', 'mlp', 'snn']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    for (let i = 1; i < ranked.length; i++) {
      const [a, b] = [ranked[i - 1].model.test, ranked[i].model.test];
      expect(a.accuracy > b.accuracy || (a.accuracy === b.accuracy && a.nll <= b.nll)).toBe(true);
    }
  });

  it('gives models equal on accuracy and NLL the same rank, in an order that does not depend on the input order', () => {
    const models = [fakeModel('c', 0.9), fakeModel('a', 0.95), fakeModel('b', 0.95), fakeModel('d', 0.99)];
    const forwards = rankModels(models);
    const backwards = rankModels([...models].reverse());
    expect(forwards.map((r) => [r.model.id, r.rank])).toEqual([['d', 1], ['a', 2], ['b', 2], ['c', 4]]);
    expect(backwards.map((r) => r.model.id)).toEqual(forwards.map((r) => r.model.id));
  });

  it('puts a model with a NaN accuracy last', () => {
    const ranked = rankModels([fakeModel('broken', Number.NaN), fakeModel('ok', 0.5)]);
    expect(ranked.map((r) => r.model.id)).toEqual(['ok', 'broken']);
  });

  it('does not reorder its input', () => {
    const models = fakeModels();
    const ids = models.map((m) => m.id);
    rankModels(models);
    expect(models.map((m) => m.id)).toEqual(ids);
  });
});

describe('leaderboardColumns', () => {
  it('shows rank, model, project, the test scores, one accuracy per non-zero rotation, OOD, costs and speed', () => {
    const headers = leaderboardColumns(fakeLeaderboard()).map((c) => c.header);
    expect(headers).toEqual([
      '#', 'model', 'project', 'test acc', 'NLL', 'ECE', 'Brier', 'acc 15°', 'acc 30°', 'acc 45°',
      'OOD AUROC', 'params', 'MACs/sample', 'SOPs/sample', 'energy/sample', 'latency b=1', 'throughput b=256',
    ]);
    expect(headers).not.toContain('acc 0°');
  });

  it('marks rank and model as the identifying columns, left-aligns text and right-aligns numbers', () => {
    const columns = leaderboardColumns(fakeLeaderboard());
    expect(columns.filter((c) => c.identifying).map((c) => c.key)).toEqual(['rank', 'model']);
    expect(columns.filter((c) => c.align === 'left').map((c) => c.key)).toEqual(['model', 'project']);
  });

  it('states the throughput batch per cell when the models were timed at different batch sizes', () => {
    const other = fakeModel('x', 0.9, { speed: { latencyMs: 1, throughputPerSecond: 5000, throughputBatch: 64 } });
    const { columns, rows } = leaderboardTableData(fakeLeaderboard({ models: [...fakeModels(), other] }));
    const throughput = columns.findIndex((c) => c.key === 'throughput');
    expect(columns[throughput].header).toBe('throughput');
    expect(rows.map((row) => row[throughput])).toContain('5.00k/s (b=64)');
  });
});

describe('leaderboardTableData', () => {
  it('fills one cell per column, in rank order, with the formatted scores', () => {
    const { columns, rows } = leaderboardTableData(fakeLeaderboard());
    const at = (key: string): number => columns.findIndex((c) => c.key === key);
    expect(rows.every((row) => row.length === columns.length)).toBe(true);
    expect(rows.map((row) => row[at('model')])).toEqual(['Bayes-by-backprop MLP', 'Dense MLP 784-400-400-10', 'FC SNN snn (LIF 784-1000-10, T 25)']);
    expect(rows[0][at('test-accuracy')]).toBe('98.10%');
    expect(rows[0][at('nll')]).toBe('0.0550');
    expect(rows[0][at('ece')]).toBe('0.71%');
    // the spiking fixture loses 1.4% (relative) per degree: 0.9765 x (1 - 0.42)
    expect(rows[2][at('acc-30')]).toBe('56.64%');
    expect(rows[0][at('energy')]).toBe('98.4 nJ');
    expect(rows[1][at('energy')]).toBe('3.08 µJ');
  });

  it('shows SOPs only for the spiking model and the missing mark for the others', () => {
    const { columns, rows } = leaderboardTableData(fakeLeaderboard());
    const sops = columns.findIndex((c) => c.key === 'sops');
    expect(rows.map((row) => row[sops])).toEqual(['–', '–', '1.23M']);
  });

  it('states the seeds and the spread over them when a row averages seeds, and nothing of the kind otherwise', () => {
    const averaged = fakeModel('a', 0.98);
    averaged.seeds = { count: 5, sources: ['r1', 'r2', 'r3', 'r4', 'r5'], std: { accuracy: 0.0005, nll: 0.001, ece: 0.0002, brier: 0.0001, oodAuroc: 0.01 } };
    const seeded = leaderboardTableData(fakeLeaderboard({ models: [averaged, fakeModel('b', 0.97)] }));
    const cell = (row: number, key: string) => seeded.rows[row][seeded.columns.findIndex((c) => c.key === key)];
    expect(cell(0, 'seeds')).toBe('5');
    expect(cell(1, 'seeds')).toBe('1');
    expect(cell(0, 'test-accuracy')).toBe('98.00% ± 0.05%');
    expect(cell(1, 'test-accuracy')).toBe('97.00%');
    expect(leaderboardColumns(fakeLeaderboard()).some((c) => c.key === 'seeds')).toBe(false);
  });

  it('shows the missing mark for the operation counts of a model that could not be counted, and still its parameters', () => {
    const uncounted = fakeModel('u', 0.99);
    uncounted.cost = { ...uncounted.cost, macsPerSample: null, sopsPerSample: null, energyNanojoulesPerSample: null, macsSource: null, unavailable: 'node x (op LSTM) is not supported' };
    const { columns, rows } = leaderboardTableData(fakeLeaderboard({ models: [uncounted] }));
    const cell = (key: string) => rows[0][columns.findIndex((c) => c.key === key)];
    expect([cell('macs'), cell('sops'), cell('energy')]).toEqual(['–', '–', '–']);
    expect(cell('parameters')).not.toBe('–');
  });

  it('shows the missing mark for a rotation a model was not scored at', () => {
    const partial = fakeSpikingModel('p', 0.99, { rotation: [{ degrees: 0, accuracy: 0.99, ece: 0.01 }] });
    const { columns, rows } = leaderboardTableData(fakeLeaderboard({ models: [partial] }));
    expect(rows[0][columns.findIndex((c) => c.key === 'acc-45')]).toBe('–');
  });
});
