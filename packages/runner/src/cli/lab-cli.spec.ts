import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { MetricRow, RunRecord } from '../store/run-record';
import { defined, lab, labEnv, spawnLab, startedRunId, tempLabHome, waitFor } from '../testing/cli.test-helpers';

jest.setTimeout(120_000);

const TRAIN = ['--set', 'steps=30', '--set', 'checkpointEvery=5', '--seed', '3'];

function trainLoss(home: string, id: string): MetricRow[] {
  const db = new Database(path.join(home, 'runs.db'), { readonly: true });
  const rows = db.prepare("SELECT context, name, step, epoch, value FROM metrics WHERE run_id = ? AND context = 'train' ORDER BY step").all(id) as MetricRow[];
  db.close();
  return rows;
}

function latestCheckpoint(runDir: string): number {
  const file = path.join(runDir, 'checkpoints', 'latest.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { step: number }).step : 0;
}

describe('lab CLI', () => {
  const home = tempLabHome();
  const env = labEnv(home);
  let reference: RunRecord;

  beforeAll(() => {
    const result = lab(['run', 'runner-toy:regression', ...TRAIN, '--set', 'stepDelayMs=40', '--name', 'reference', '--tag', 'ref', '--json'], env);
    expect(result.status).toBe(0);
    reference = JSON.parse(result.stdout);
  });

  it('runs an experiment and records config, metrics, artifacts and provenance', () => {
    expect(reference).toMatchObject({ project: 'runner-toy', experiment: 'regression', profile: 'quick', status: 'finished', seed: 3, name: 'reference', tags: ['ref'] });
    expect(reference.config).toMatchObject({ steps: 30, checkpointEvery: 5, optimizer: { learningRate: 0.05 } });
    expect(defined(reference.summary, 'a summary')['accuracy']).toBeGreaterThan(0.5);
    expect(reference.versions.backend?.tfjs).toBe('4.22.0');
    expect(reference.command).toEqual(['lab', 'run', 'runner-toy:regression', ...TRAIN, '--set', 'stepDelayMs=40', '--name', 'reference', '--tag', 'ref', '--json']);
    expect(trainLoss(home, reference.id).map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const dir = reference.runDir;
    for (const file of ['config.json', 'record.json', 'metrics.jsonl', 'log.txt']) expect(fs.existsSync(path.join(dir, file))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'record.json'), 'utf8')).status).toBe('finished');
    expect(reference.artifacts.map((a) => a.path).sort()).toEqual(['config.json', 'metrics.jsonl', 'weights-summary.json']);
    for (const artifact of reference.artifacts) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(dir, artifact.path))).digest('hex')).toBe(artifact.sha256);
    }
    // what an ONNX export stamps into its metadata: the run's own identity
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'weights-summary.json'), 'utf8')).provenance).toEqual({
      project: 'runner-toy',
      experiment: 'regression',
      runId: reference.id,
      gitCommit: `${reference.git.commit ?? 'unknown'}${reference.git.dirty ? '-dirty' : ''}`,
      configHash: reference.configHash,
    });
    expect(reference.configHash).toMatch(/^[0-9a-f]{16}$/);
    const shown = lab(['show', reference.id.slice(0, 17)], env);
    expect(shown.stdout).toContain(`run        ${reference.id} (reference)`);
    const listed = JSON.parse(lab(['runs', '--status', 'finished', '--json'], env).stdout) as RunRecord[];
    expect(listed.map((r) => r.id)).toContain(reference.id);
  });

  it('rejects an invalid config with every problem, exit code 2 and nothing written', () => {
    const fresh = path.join(tempLabHome(), 'never-created');
    const result = lab(['run', 'runner-toy:regression', '--set', 'steps=0', '--set', 'optimizer.learningRat=1', '--set', 'batchSize=big'], labEnv(fresh));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('3 problems');
    expect(result.stderr).toMatch(/- steps: .*>=1/);
    expect(result.stderr).toMatch(/- optimizer\.learningRat: unknown key \(did you mean "learningRate"\?\)/);
    expect(result.stderr).toMatch(/- batchSize: .*expected number/);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('suggests the closest experiment names', () => {
    const result = lab(['run', 'runner-toy:regresion'], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Did you mean runner-toy:regression?');
  });

  it('resumes a SIGKILLed run to the same final metrics, each step logged once', async () => {
    const running = spawnLab(['run', 'runner-toy:regression', ...TRAIN, '--set', 'stepDelayMs=40'], env);
    const id = await startedRunId(running.output);
    const runDir = path.join(home, 'runs', id);
    // killed after a checkpoint, with metrics of later steps already written
    await waitFor(() => latestCheckpoint(runDir) >= 10 && trainLoss(home, id).length > latestCheckpoint(runDir) + 1);
    running.child.kill('SIGKILL');
    await running.exited;
    const resumed = lab(['resume', id, '--json'], env);
    expect(resumed.status).toBe(0);
    const record = JSON.parse(resumed.stdout) as RunRecord;
    expect(record.status).toBe('finished');
    expect(record.summary).toEqual(reference.summary);
    expect(trainLoss(home, id)).toEqual(trainLoss(home, reference.id));
    const jsonl = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricRow);
    expect(jsonl.filter((r) => r.context === 'train').map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('stops a run whose loss turns NaN as diverged, keeping the last good checkpoint', () => {
    const result = lab(['run', 'runner-toy:regression', ...TRAIN, '--set', 'divergeAtStep=12', '--json'], env);
    expect(result.status).toBe(1);
    const record = JSON.parse(result.stdout) as RunRecord;
    expect(record.status).toBe('diverged');
    expect(record.error).toContain('step 12');
    expect(record.error).toContain('train/loss is NaN');
    expect(record.error).toContain('Last good checkpoint: step 10');
    expect(latestCheckpoint(record.runDir)).toBe(10);
    expect(Math.max(...trainLoss(home, record.id).map((r) => r.step))).toBe(11);
  });

  it('on SIGINT finishes the step, checkpoints and marks the run interrupted; resume completes it', async () => {
    const running = spawnLab(['run', 'runner-toy:regression', ...TRAIN, '--set', 'stepDelayMs=40', '--json'], env);
    const id = await startedRunId(running.output);
    await waitFor(() => trainLoss(home, id).length >= 7);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    const record = JSON.parse(running.output().stdout) as RunRecord;
    expect(record.status).toBe('interrupted');
    const lastStep = Math.max(...trainLoss(home, id).map((r) => r.step));
    expect(record.checkpointStep).toBe(lastStep);
    expect(latestCheckpoint(record.runDir)).toBe(lastStep);
    const resumed = JSON.parse(lab(['resume', id, '--json'], env).stdout) as RunRecord;
    expect(resumed.summary).toEqual(reference.summary);
  });

  it('sweeps a grid over seeds in parallel processes, compares and reports', () => {
    const sweepHome = tempLabHome();
    const sweepEnv = labEnv(sweepHome);
    const result = lab(['sweep', 'runner-toy:counter', '--grid', 'scale=1,2', '--seeds', '0..1', '--parallel', '2', '--set', 'steps=4'], sweepEnv);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('4/4 runs finished');
    const runs = JSON.parse(lab(['runs', '--json'], sweepEnv).stdout) as RunRecord[];
    expect(runs.map((r) => `${r.config['scale']}/${r.seed}`).sort()).toEqual(['1/0', '1/1', '2/0', '2/1']);
    const sweepId = defined(runs[0].sweepId, 'a sweep id');
    const compared = lab(['compare', sweepId], sweepEnv).stdout;
    expect(compared).toMatch(/scale=1 .* 2 +4 ± 0/);
    expect(compared).toMatch(/scale=2 .* 2 +8 ± 0/);
    const bad = lab(['sweep', 'runner-toy:counter', '--grid', 'scale=1,-2'], sweepEnv);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/scale: .*>=0/);
    expect(lab(['run', 'runner-toy:counter', '--name', '<script>alert(1)</script>'], sweepEnv).status).toBe(0);
    const out = path.join(sweepHome, 'report');
    expect(lab(['report', '--out', out], sweepEnv).status).toBe(0);
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<svg');
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('## runner-toy:counter');
  });
});
