import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Experiment } from '../experiment/define-experiment';
import { ExperimentRegistry } from '../experiment/registry';
import { prepareRun, resumeRun, startRun, type RunIo } from '../run/execute-run';
import type { RunRecord } from '../store/run-record';
import { RunStore } from '../store/run-store';

export interface TemporaryLab {
  /** Runs `<project>:<experiment>` with the seed and `key=value` overrides, quietly unless `io` says otherwise. */
  run(experiment: string, seed: number, overrides?: string[], io?: RunIo): Promise<RunRecord>;
  /** Continues an interrupted or failed run from its last checkpoint, as `lab resume` does. */
  resume(runId: string, io?: RunIo): Promise<RunRecord>;
  /** Deletes the lab home and everything the runs wrote. */
  cleanup(): void;
}

/**
 * A lab home of its own in the system's temporary directory, running one project's experiments
 * through the real runner (config resolution, run records, artifacts, checkpoints): what an app's
 * specs use to test its experiments end to end without touching the workspace's .lab/.
 */
export function temporaryLab(project: string, experiments: readonly Experiment[], workspaceRoot: string): TemporaryLab {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `${project}-`));
  const registry = new ExperimentRegistry([{ project, load: () => [...experiments] }]);
  const quiet = { echo: () => undefined, progress: { write: () => true } };
  const meta = { command: ['test'], workspaceRoot };
  return {
    run: async (experiment, seed, overrides = [], io = {}) => {
      const store = RunStore.open(home);
      try {
        return await startRun(store, prepareRun(registry, { qualified: `${project}:${experiment}`, seed, overrides }), meta, { ...quiet, ...io });
      } finally {
        store.close();
      }
    },
    resume: async (runId, io = {}) => {
      const store = RunStore.open(home);
      try {
        return await resumeRun(store, registry, runId, ['resume'], { ...quiet, ...io });
      } finally {
        store.close();
      }
    },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}
