import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentRegistry, RunStore, prepareRun, startRun, type RunRecord } from '@cristal/runner';
import { experiments } from './experiments';

const WORKSPACE_ROOT = path.join(__dirname, '..', '..', '..', '..');

/** A lab home of its own for one spec file, and a function running this app's experiments in it. */
export function experimentRunner(): { run: (experiment: string, seed: number, overrides: string[]) => Promise<RunRecord>; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'info-homeostasis-'));
  const registry = new ExperimentRegistry([{ project: 'info-homeostasis', load: () => experiments }]);
  const quiet = { echo: () => undefined, progress: { write: () => true } };
  const meta = { command: ['test'], workspaceRoot: WORKSPACE_ROOT };
  return {
    run: async (experiment, seed, overrides) => {
      const store = RunStore.open(home);
      try {
        return await startRun(store, prepareRun(registry, { qualified: `info-homeostasis:${experiment}`, seed, overrides }), meta, quiet);
      } finally {
        store.close();
      }
    },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

/** Small enough for CI: 2,000 images, one epoch, a 64-unit MLP, 4 samples. */
export const TINY = ['trainExamples=2000', 'epochs=1', 'hidden=[64]', 'predictiveSamples=4', 'exportSamples=4', 'ensembleSize=2', 'batchSize=64', 'learningRate=0.003'];
