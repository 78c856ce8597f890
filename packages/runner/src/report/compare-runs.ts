import type { RunRecord } from '../store/run-record';

export interface MetricStats {
  mean: number;
  std: number;
  n: number;
}

export interface RunGroup {
  experiment: string;
  configHash: string;
  /** Config values that differ between the groups being compared (flattened key paths). */
  label: Record<string, unknown>;
  runIds: string[];
  seeds: number[];
  metrics: Record<string, MetricStats>;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function meanStd(values: readonly number[]): MetricStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix]: value };
  return Object.entries(value).reduce<Record<string, unknown>>((out, [k, v]) => ({ ...out, ...flatten(v, prefix ? `${prefix}.${k}` : k) }), {});
}

/**
 * Groups runs of the same experiment and config (seeds apart; the seed is not part of the config)
 * and summarises each summary metric over the group's finished runs.
 */
export function compareRuns(runs: readonly RunRecord[]): RunGroup[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs.filter((r) => r.status === 'finished')) {
    const key = `${run.project}:${run.experiment}|${run.configHash}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const flats = [...groups.values()].map((g) => flatten(g[0].config));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))];
  const varying = keys.filter((k) => new Set(flats.map((f) => JSON.stringify(f[k]))).size > 1);
  return [...groups.values()].map((group, i) => {
    const names = [...new Set(group.flatMap((r) => Object.keys(r.summary ?? {})))].sort();
    const metrics: Record<string, MetricStats> = {};
    for (const name of names) {
      const values = group.map((r) => r.summary?.[name]).filter((v): v is number => typeof v === 'number');
      metrics[name] = meanStd(values);
    }
    return {
      experiment: `${group[0].project}:${group[0].experiment}`,
      configHash: group[0].configHash,
      label: Object.fromEntries(varying.map((k) => [k, flats[i][k]])),
      runIds: group.map((r) => r.id),
      seeds: group.map((r) => r.seed),
      metrics,
    };
  });
}
