import type { BackendInfo } from '@cristal/tensor';

export const RUN_STATUSES = ['running', 'finished', 'failed', 'diverged', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface ArtifactRecord {
  path: string;
  sha256: string;
  bytes: number;
}

export interface RunVersions {
  node: string;
  runner: string;
  packages: Record<string, string>;
  backend: BackendInfo | null;
}

/** Everything known about a run; record.json in its directory holds the same object. */
export interface RunRecord {
  id: string;
  project: string;
  experiment: string;
  profile: string;
  name: string | null;
  tags: string[];
  status: RunStatus;
  config: Record<string, unknown>;
  configHash: string;
  seed: number;
  git: { commit: string | null; dirty: boolean | null };
  command: string[];
  host: string;
  pid: number | null;
  versions: RunVersions;
  startedAt: string;
  endedAt: string | null;
  summary: Record<string, number> | null;
  error: string | null;
  checkpointStep: number | null;
  sweepId: string | null;
  runDir: string;
  artifacts: ArtifactRecord[];
}

export interface MetricRow {
  context: string;
  name: string;
  step: number;
  epoch: number | null;
  value: number;
  time: string;
}
