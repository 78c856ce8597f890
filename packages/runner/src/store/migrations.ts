import type Database from 'better-sqlite3';

/**
 * Ordered schema migrations; `PRAGMA user_version` records how many have been applied. Append only:
 * a released migration is never edited, so any old store upgrades by replaying the tail.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     project TEXT NOT NULL,
     experiment TEXT NOT NULL,
     profile TEXT NOT NULL,
     name TEXT,
     status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'diverged', 'interrupted')),
     config_json TEXT NOT NULL,
     config_hash TEXT NOT NULL,
     seed INTEGER NOT NULL,
     git_commit TEXT,
     git_dirty INTEGER,
     command TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER,
     versions_json TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     summary_json TEXT,
     error TEXT,
     checkpoint_step INTEGER,
     sweep_id TEXT,
     run_dir TEXT NOT NULL
   );
   CREATE INDEX runs_by_experiment ON runs (project, experiment, started_at);
   CREATE TABLE run_tags (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (run_id, tag));
   CREATE TABLE metrics (
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     context TEXT NOT NULL,
     name TEXT NOT NULL,
     step INTEGER NOT NULL,
     epoch INTEGER,
     value REAL NOT NULL,
     time TEXT NOT NULL
   );
   CREATE INDEX metrics_by_run ON metrics (run_id, context, name, step);
   CREATE TABLE artifacts (
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     path TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     PRIMARY KEY (run_id, path)
   );`,
  `CREATE TABLE sweeps (
     id TEXT PRIMARY KEY,
     project TEXT NOT NULL,
     experiment TEXT NOT NULL,
     spec_json TEXT NOT NULL,
     launcher TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX runs_by_sweep ON runs (sweep_id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION in one IMMEDIATE transaction, safe with concurrent openers. */
export function migrate(db: Database.Database): number {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`The run store has schema version ${version}, newer than this runner's ${SCHEMA_VERSION}: update @cristal/runner.`);
    }
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return version;
  });
  return apply.immediate();
}
