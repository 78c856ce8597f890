import { flag, parseArgs } from '../args';
import { UsageError } from '../../config/config-error';
import { compareRuns } from '../../report/compare-runs';
import type { RunRecord } from '../../store/run-record';
import { openStore, type CliIo } from '../cli-io';
import { formatNumber, formatTable } from '../table';

export function printComparison(io: CliIo, runs: readonly RunRecord[]): void {
  const groups = compareRuns(runs);
  const metrics = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))].sort();
  const rows = groups.map((g) => [
    g.experiment,
    Object.entries(g.label)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ') || g.configHash,
    String(g.runIds.length),
    ...metrics.map((m) => (g.metrics[m] ? `${formatNumber(g.metrics[m].mean)} ± ${formatNumber(g.metrics[m].std)}` : '')),
  ]);
  io.out(`${formatTable(['experiment', 'config', 'runs', ...metrics], rows)}\n`);
}

export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'flag' } });
  if (args.positional.length === 0) throw new UsageError('Usage: lab compare <run-id|sweep-id> ... [--json]');
  const store = openStore(io);
  try {
    const runs: RunRecord[] = [];
    for (const id of args.positional) {
      const sweep = store.getSweep(id);
      if (sweep) runs.push(...store.listRuns({ sweepId: id }));
      else {
        const run = store.getRun(id);
        if (!run) throw new UsageError(`No run or sweep "${id}" in ${store.file}.`);
        runs.push(run);
      }
    }
    if (flag(args, 'json')) io.out(`${JSON.stringify(compareRuns(runs))}\n`);
    else printComparison(io, runs);
    return 0;
  } finally {
    store.close();
  }
}
