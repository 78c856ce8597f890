import { UsageError } from '../config/config-error';
import { findWorkspaceRoot, moduleSources, workspaceSources } from '../experiment/discover';
import { ExperimentRegistry } from '../experiment/registry';
import { labHome } from '../store/lab-home';
import { RunStore } from '../store/run-store';

/** What a command needs from the outside world; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How to start this CLI again (for sweeps): executable and its leading arguments. */
  self: string[];
  isTTY: boolean;
}

export function workspaceRoot(io: CliIo): string {
  const root = findWorkspaceRoot(io.cwd);
  if (!root) throw new UsageError(`No workspace found above ${io.cwd} (a package.json with "workspaces").`);
  return root;
}

export function registryFor(io: CliIo): ExperimentRegistry {
  return new ExperimentRegistry([...moduleSources(io.env['LAB_EXPERIMENT_MODULES']), ...workspaceSources(workspaceRoot(io))]);
}

export function openStore(io: CliIo): RunStore {
  return RunStore.open(labHome(io.env, io.cwd));
}
