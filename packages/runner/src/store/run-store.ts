import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';
import type { ArtifactRecord, MetricRow, RunRecord, RunStatus } from './run-record';
import { storeError } from './store-error';

export interface RunFilter {
  project?: string;
  experiment?: string;
  status?: RunStatus;
  sweepId?: string;
}

export interface SweepRecord {
  id: string;
  project: string;
  experiment: string;
  spec: Record<string, unknown>;
  launcher: string;
  createdAt: string;
}

type RunPatch = Partial<Pick<RunRecord, 'status' | 'endedAt' | 'summary' | 'error' | 'checkpointStep' | 'pid' | 'host' | 'command'>>;

interface RunRow {
  id: string;
  project: string;
  experiment: string;
  profile: string;
  name: string | null;
  status: RunStatus;
  config_json: string;
  config_hash: string;
  seed: number;
  git_commit: string | null;
  git_dirty: number | null;
  command: string;
  host: string;
  pid: number | null;
  versions_json: string;
  started_at: string;
  ended_at: string | null;
  summary_json: string | null;
  error: string | null;
  checkpoint_step: number | null;
  sweep_id: string | null;
  run_dir: string;
}

// Generous: eight writers hold the lock for microseconds each, but a checkpoint fsync can stall one.
const BUSY_TIMEOUT_MS = 60_000;

/** The SQLite index of all runs at `$LAB_HOME/runs.db`: WAL, so readers never block the writer. */
export class RunStore {
  readonly file: string;
  private constructor(
    readonly home: string,
    private readonly db: Database.Database,
  ) {
    this.file = path.join(home, 'runs.db');
  }

  static open(home: string): RunStore {
    const file = path.join(home, 'runs.db');
    try {
      fs.mkdirSync(path.join(home, 'runs'), { recursive: true });
      fs.accessSync(home, fs.constants.W_OK);
      const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      try {
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        migrate(db);
      } catch (error) {
        db.close();
        throw error;
      }
      return new RunStore(home, db);
    } catch (error) {
      throw storeError(file, error);
    }
  }

  runDir(id: string): string {
    return path.join(this.home, 'runs', id);
  }

  close(): void {
    this.db.close();
  }

  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw storeError(this.file, error);
    }
  }

  createRun(record: RunRecord): void {
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, project, experiment, profile, name, status, config_json, config_hash, seed, git_commit, git_dirty,
             command, host, pid, versions_json, started_at, ended_at, summary_json, error, checkpoint_step, sweep_id, run_dir)
           VALUES (@id, @project, @experiment, @profile, @name, @status, @config_json, @config_hash, @seed, @git_commit, @git_dirty,
             @command, @host, @pid, @versions_json, @started_at, @ended_at, @summary_json, @error, @checkpoint_step, @sweep_id, @run_dir)`,
        )
        .run(toRow(record));
      const tag = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
      for (const t of record.tags) tag.run(record.id, t);
    });
  }

  updateRun(id: string, patch: RunPatch): void {
    const columns: Record<string, unknown> = {};
    if (patch.status !== undefined) columns['status'] = patch.status;
    if (patch.endedAt !== undefined) columns['ended_at'] = patch.endedAt;
    if (patch.summary !== undefined) columns['summary_json'] = patch.summary === null ? null : JSON.stringify(patch.summary);
    if (patch.error !== undefined) columns['error'] = patch.error;
    if (patch.checkpointStep !== undefined) columns['checkpoint_step'] = patch.checkpointStep;
    if (patch.pid !== undefined) columns['pid'] = patch.pid;
    if (patch.host !== undefined) columns['host'] = patch.host;
    if (patch.command !== undefined) columns['command'] = JSON.stringify(patch.command);
    const keys = Object.keys(columns);
    if (keys.length === 0) return;
    this.write(() => {
      const result = this.db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...columns, id });
      if (result.changes !== 1) throw new Error(`No run ${id} in ${this.file}.`);
    });
  }

  addMetrics(runId: string, rows: readonly MetricRow[]): void {
    if (rows.length === 0) return;
    this.write(() => {
      const insert = this.db.prepare('INSERT INTO metrics (run_id, context, name, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const r of rows) insert.run(runId, r.context, r.name, r.step, r.epoch, r.value, r.time);
    });
  }

  /** Records a checkpoint and drops metrics logged after it in one transaction (for resume). */
  truncateMetricsAfter(runId: string, step: number | null): void {
    this.write(() => {
      if (step === null) this.db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
      else this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, step);
    });
  }

  metrics(runId: string): MetricRow[] {
    return this.db
      .prepare('SELECT context, name, step, epoch, value, time FROM metrics WHERE run_id = ? ORDER BY rowid')
      .all(runId) as MetricRow[];
  }

  addArtifact(runId: string, artifact: ArtifactRecord): void {
    this.write(() => {
      this.db
        .prepare('INSERT INTO artifacts (run_id, path, sha256, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes')
        .run(runId, artifact.path, artifact.sha256, artifact.bytes);
    });
  }

  /** A run by full id or unique prefix. */
  getRun(idOrPrefix: string): RunRecord | undefined {
    const rows = this.db.prepare("SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2").all(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`) as RunRow[];
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return this.fromRow(exact);
    if (rows.length > 1) throw new Error(`Run id prefix "${idOrPrefix}" is ambiguous.`);
    return rows[0] ? this.fromRow(rows[0]) : undefined;
  }

  listRuns(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const columns = { project: 'project', experiment: 'experiment', status: 'status', sweepId: 'sweep_id' } as const;
    for (const [key, column] of Object.entries(columns)) {
      const value = filter[key as keyof RunFilter];
      if (value === undefined || value === '') continue;
      where.push(`${column} = @${key}`);
      params[key] = value;
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, id`;
    return (this.db.prepare(sql).all(params) as RunRow[]).map((row) => this.fromRow(row));
  }

  createSweep(sweep: SweepRecord): void {
    this.write(() => {
      this.db
        .prepare('INSERT INTO sweeps (id, project, experiment, spec_json, launcher, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(sweep.id, sweep.project, sweep.experiment, JSON.stringify(sweep.spec), sweep.launcher, sweep.createdAt);
    });
  }

  getSweep(id: string): SweepRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as
      | { id: string; project: string; experiment: string; spec_json: string; launcher: string; created_at: string }
      | undefined;
    return row && { id: row.id, project: row.project, experiment: row.experiment, spec: JSON.parse(row.spec_json), launcher: row.launcher, createdAt: row.created_at };
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  private fromRow(row: RunRow): RunRecord {
    const tags = (this.db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(row.id) as Array<{ tag: string }>).map((t) => t.tag);
    const artifacts = this.db.prepare('SELECT path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY path').all(row.id) as ArtifactRecord[];
    return {
      id: row.id,
      project: row.project,
      experiment: row.experiment,
      profile: row.profile,
      name: row.name,
      tags,
      status: row.status,
      config: JSON.parse(row.config_json),
      configHash: row.config_hash,
      seed: row.seed,
      git: { commit: row.git_commit, dirty: row.git_dirty === null ? null : row.git_dirty === 1 },
      command: JSON.parse(row.command),
      host: row.host,
      pid: row.pid,
      versions: JSON.parse(row.versions_json),
      startedAt: row.started_at,
      endedAt: row.ended_at,
      summary: row.summary_json === null ? null : JSON.parse(row.summary_json),
      error: row.error,
      checkpointStep: row.checkpoint_step,
      sweepId: row.sweep_id,
      runDir: row.run_dir,
      artifacts,
    };
  }
}

function toRow(r: RunRecord): RunRow {
  return {
    id: r.id,
    project: r.project,
    experiment: r.experiment,
    profile: r.profile,
    name: r.name,
    status: r.status,
    config_json: JSON.stringify(r.config),
    config_hash: r.configHash,
    seed: r.seed,
    git_commit: r.git.commit,
    git_dirty: r.git.dirty === null ? null : r.git.dirty ? 1 : 0,
    command: JSON.stringify(r.command),
    host: r.host,
    pid: r.pid,
    versions_json: JSON.stringify(r.versions),
    started_at: r.startedAt,
    ended_at: r.endedAt,
    summary_json: r.summary === null ? null : JSON.stringify(r.summary),
    error: r.error,
    checkpoint_step: r.checkpointStep,
    sweep_id: r.sweepId,
    run_dir: r.runDir,
  };
}
