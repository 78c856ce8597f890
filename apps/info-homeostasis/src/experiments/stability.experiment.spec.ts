import * as fs from 'node:fs';
import * as path from 'node:path';
import { experimentRunner, TINY } from './run.test-helpers';

jest.setTimeout(300_000);

const lab = experimentRunner();
afterAll(() => lab.cleanup());

const GRID = [...TINY, 'trainExamples=1000', 'testExamples=500', 'methods=[deterministic, bbb, homeostatic]', 'learningRates=[0.003, 30]', 'batchSizes=[64]', 'seeds=1', 'homeostasis.updateEvery=2', 'homeostasis.warmupUpdates=2'];

describe('stability', () => {
  it('counts an absurd learning rate as diverged, a sane one not, and records the homeostat\'s and BBB\'s trajectories', async () => {
    const record = await lab.run('stability', 3, GRID);
    expect(record.error).toBeNull();
    const cells = JSON.parse(fs.readFileSync(path.join(record.runDir, 'cells.json'), 'utf8')) as { method: string; learningRate: number; diverged: boolean; gradientNormVariance: number | null }[];
    expect(cells).toHaveLength(6);
    for (const cell of cells) expect(cell.diverged).toBe(cell.learningRate === 30);
    expect(cells.filter((c) => !c.diverged).every((c) => (c.gradientNormVariance ?? -1) > 0)).toBe(true);
    expect(record.summary?.['homeostatic/diverged_fraction']).toBe(0.5);
    const trajectories = JSON.parse(fs.readFileSync(path.join(record.runDir, 'trajectories-homeostatic.json'), 'utf8')) as Record<string, [number, number][]>;
    // ceil(1000 / 64) = 16 steps, an update every 2
    expect(trajectories['kl/dense1'].map(([step]) => step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(Object.keys(trajectories)).toEqual(expect.arrayContaining(['snr_db/dense2', 'temperature/dense1', 'kl_weight/dense2', 'kl_setpoint/dense1']));
    expect(fs.existsSync(path.join(record.runDir, 'trajectory-homeostatic-kl.svg'))).toBe(true);
    // BBB is sensed on the same schedule without a controller: the uncontrolled reference
    const reference = JSON.parse(fs.readFileSync(path.join(record.runDir, 'trajectories-bbb.json'), 'utf8')) as Record<string, [number, number][]>;
    expect(reference['kl/dense1'].map(([step]) => step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(Object.keys(reference).filter((k) => k.includes('setpoint') || k.startsWith('temperature'))).toEqual([]);
    expect(fs.existsSync(path.join(record.runDir, 'trajectory-bbb-snr_db.svg'))).toBe(true);
    expect(fs.existsSync(path.join(record.runDir, 'trajectories-deterministic.json'))).toBe(false);
    expect(fs.readFileSync(path.join(record.runDir, 'stability.md'), 'utf8')).toContain('| homeostatic | 30 | 64 | 1/1 |');
  });
});
