import * as path from 'node:path';
import { findWorkspaceRoot } from '../experiment/discover';

/** `$LAB_HOME`, else `.lab/` at the workspace root, else `.lab/` in the current directory. */
export function labHome(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env['LAB_HOME']) return path.resolve(cwd, env['LAB_HOME']);
  return path.join(findWorkspaceRoot(cwd) ?? cwd, '.lab');
}
