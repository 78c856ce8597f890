import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentRegistry, RunStore, prepareRun, startRun, type RunRecord } from '@cristal/runner';
import { experiments } from './experiments';

const WORKSPACE_ROOT = path.join(__dirname, '..', '..', '..', '..');

/** A lab home of its own for one spec file, and a function running this app's experiments in it. */
export function experimentRunner(): { run: (experiment: string, seed: number, overrides: string[]) => Promise<RunRecord>; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'predictive-coding-'));
  const registry = new ExperimentRegistry([{ project: 'predictive-coding', load: () => experiments }]);
  const quiet = { echo: () => undefined, progress: { write: () => true } };
  const meta = { command: ['test'], workspaceRoot: WORKSPACE_ROOT };
  return {
    run: async (experiment, seed, overrides) => {
      const store = RunStore.open(home);
      try {
        return await startRun(store, prepareRun(registry, { qualified: `predictive-coding:${experiment}`, seed, overrides }), meta, quiet);
      } finally {
        store.close();
      }
    },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

