import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { WORKSPACE_ROOT } from '../testing/cli.test-helpers';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import type { RunRecord } from './run-record';
import { RunStore } from './run-store';
import { StoreError, storeError } from './store-error';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));

function record(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    project: 'p',
    experiment: 'e',
    profile: 'quick',
    name: null,
    tags: ['b', 'a'],
    status: 'running',
    config: { x: 1 },
    configHash: 'abc',
    seed: 3,
    git: { commit: 'c0ffee', dirty: true },
    command: ['lab', 'run'],
    host: 'h',
    pid: 1,
    versions: { node: 'v20', runner: '0', packages: {}, backend: null },
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: null,
    summary: null,
    error: null,
    checkpointStep: null,
    sweepId: null,
    runDir: '/x',
    artifacts: [],
    ...overrides,
  };
}

describe('RunStore', () => {
  it('creates a WAL database at the latest schema version and upgrades an older one', () => {
    const home = tmp();
    // a store made by the first release: only migration 1 applied
    fs.mkdirSync(home, { recursive: true });
    const old = new Database(path.join(home, 'runs.db'));
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.close();
    const store = RunStore.open(home);
    store.close();
    const db = new Database(path.join(home, 'runs.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'sweeps'").get()).toBeDefined();
    db.close();
  });

  it('refuses a store written by a newer runner', () => {
    const home = tmp();
    const db = new Database(path.join(home, 'runs.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => RunStore.open(home)).toThrow(/newer than this runner/);
  });

  it('round-trips a record with tags, artifacts, summary and filters', () => {
    const store = RunStore.open(tmp());
    store.createRun(record('r1'));
    store.createRun(record('r2', { experiment: 'other' }));
    store.addArtifact('r1', { path: 'config.json', sha256: 'f'.repeat(64), bytes: 10 });
    store.updateRun('r1', { status: 'finished', summary: { acc: 0.9 }, endedAt: '2025-01-01T01:00:00.000Z' });
    const r1 = store.getRun('r1');
    expect(r1).toMatchObject({ status: 'finished', summary: { acc: 0.9 }, tags: ['a', 'b'], git: { commit: 'c0ffee', dirty: true } });
    expect(r1?.artifacts).toEqual([{ path: 'config.json', sha256: 'f'.repeat(64), bytes: 10 }]);
    expect(store.listRuns({ status: 'finished' }).map((r) => r.id)).toEqual(['r1']);
    expect(store.listRuns({ experiment: 'other' }).map((r) => r.id)).toEqual(['r2']);
    expect(() => store.getRun('r')).toThrow(/ambiguous/);
    expect(() => store.updateRun('nope', { status: 'failed' })).toThrow(/No run nope/);
    store.close();
  });

  it('drops the metrics logged after a checkpoint step', () => {
    const store = RunStore.open(tmp());
    store.createRun(record('r'));
    store.addMetrics('r', [1, 2, 3, 4, 5].map((step) => ({ context: 'train', name: 'loss', step, epoch: null, value: step, time: 't' })));
    store.truncateMetricsAfter('r', 3);
    expect(store.metrics('r').map((m) => m.step)).toEqual([1, 2, 3]);
    store.truncateMetricsAfter('r', null);
    expect(store.metrics('r')).toEqual([]);
    store.close();
  });

  it('loses nothing when 8 processes write runs and metrics at once', async () => {
    const home = tmp();
    const [workers, runs, metricsPerRun] = [8, 4, 40];
    const script = path.join(__dirname, '..', 'testing', 'store-writer.test-helpers.ts');
    const codes = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['-r', path.join(WORKSPACE_ROOT, 'tools', 'ts', 'register.cjs'), script, home, String(w), String(runs), String(metricsPerRun)], { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('exit', resolve);
        }),
      ),
    );
    expect(codes).toEqual(Array(workers).fill(0));
    const db = new Database(path.join(home, 'runs.db'), { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'finished'").get()).toEqual({ n: workers * runs });
    expect(db.prepare('SELECT count(*) AS n FROM metrics').get()).toEqual({ n: workers * runs * metricsPerRun });
    expect(db.prepare('SELECT count(DISTINCT run_id || step) AS n FROM metrics').get()).toEqual({ n: workers * runs * metricsPerRun });
    expect(db.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: workers * runs });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 120_000);

  it('explains an unwritable store directory', () => {
    const parent = tmp();
    fs.chmodSync(parent, 0o555);
    const home = path.join(parent, 'lab');
    if (process.getuid?.() === 0) {
      // root ignores permissions: open the store as an unprivileged user in a child process
      const code = `try { require(${JSON.stringify(path.join(__dirname, 'run-store.ts'))}).RunStore.open(${JSON.stringify(home)}); } catch (e) { console.log(e.name + ': ' + e.message); }`;
      const result = spawnSync(process.execPath, ['-r', path.join(WORKSPACE_ROOT, 'tools', 'ts', 'register.cjs'), '-e', code], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
      expect(result.stdout).toMatch(/^StoreError: Cannot use the run store at .*runs\.db: permission denied \(EACCES\)\. Set LAB_HOME/);
    } else {
      expect(() => RunStore.open(home)).toThrow(StoreError);
    }
    expect(fs.existsSync(home)).toBe(false);
  });

  it('names a full disk and a read-only file system', () => {
    expect(storeError('/s/runs.db', Object.assign(new Error('x'), { code: 'SQLITE_FULL' })).message).toMatch(/\/s\/runs\.db: the disk is full \(SQLITE_FULL\)/);
    expect(storeError('/s/runs.db', Object.assign(new Error('x'), { code: 'EROFS' }))).toBeInstanceOf(StoreError);
    expect(storeError('/s', new TypeError('bug'))).toBeInstanceOf(TypeError);
  });
});
