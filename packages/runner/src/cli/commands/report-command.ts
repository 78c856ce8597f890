import * as path from 'node:path';
import { writeFileAtomic } from '@cristal/tensor';
import { parseArgs, stringOption } from '../args';
import { buildReport } from '../../report/build-report';
import { openStore, type CliIo } from '../cli-io';

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { out: { kind: 'string' }, project: { kind: 'string' }, experiment: { kind: 'string' } });
  const store = openStore(io);
  try {
    const runs = store.listRuns({ project: stringOption(args, 'project'), experiment: stringOption(args, 'experiment') });
    const files = buildReport({ runs, metrics: (id) => store.metrics(id) });
    const out = path.resolve(io.cwd, stringOption(args, 'out') ?? path.join(store.home, 'report'));
    for (const [name, svg] of Object.entries(files.charts)) writeFileAtomic(path.join(out, name), svg);
    writeFileAtomic(path.join(out, 'report.md'), files['report.md']);
    writeFileAtomic(path.join(out, 'index.html'), files['index.html']);
    io.out(`report of ${runs.length} runs: ${path.join(out, 'index.html')}\n`);
    return 0;
  } finally {
    store.close();
  }
}
