import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Experiment } from './define-experiment';
import type { ExperimentSource } from './registry';

export interface WorkspacePackage {
  name: string;
  project: string;
  dir: string;
  tags: string[];
}

/** The workspace root: the nearest directory upwards whose package.json declares workspaces. */
export function findWorkspaceRoot(start = process.cwd()): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { workspaces?: unknown };
      if (pkg.workspaces) return dir;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Workspace packages from the root's `workspaces` globs (`dir/*` or a plain directory). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces?: string[] | { packages?: string[] } };
  const patterns = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
    const parent = path.join(root, pattern.slice(0, -2));
    return fs.existsSync(parent) ? fs.readdirSync(parent).map((d) => path.join(parent, d)) : [];
  });
  return dirs
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
    .map((dir) => {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; nx?: { name?: string; tags?: string[] } };
      return { name: meta.name, project: meta.nx?.name ?? path.basename(dir), dir, tags: meta.nx?.tags ?? [] };
    });
}

/** Reads `experiments` from a loaded module: an array or a record of experiments. */
export function experimentsFromModule(mod: unknown, origin: string): readonly Experiment[] {
  const value = (mod as { experiments?: unknown } | undefined)?.experiments;
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : undefined;
  if (!list || list.some((e) => typeof e?.name !== 'string' || typeof e?.run !== 'function')) {
    throw new Error(`${origin}: \`experiments\` must be an array or record of defineExperiment(...) results.`);
  }
  return list as Experiment[];
}

/**
 * Every workspace app (tag `type:app`), loaded by package name when asked: through the
 * `@cristal/source` condition when the process runs with it, else from the app's dist.
 */
export function workspaceSources(root: string): ExperimentSource[] {
  return workspacePackages(root)
    .filter((p) => p.tags.includes('type:app'))
    .map((p) => ({
      project: p.project,
      load: () => experimentsFromModule(require(require.resolve(p.name, { paths: [root] })), p.name),
    }));
}

/**
 * Extra modules named in `LAB_EXPERIMENT_MODULES` (path-separated list of files). Each exports
 * `project` and `experiments`; this is how the runner's own tests register a toy experiment.
 */
export function moduleSources(spec: string | undefined): ExperimentSource[] {
  if (!spec) return [];
  return spec
    .split(path.delimiter)
    .filter(Boolean)
    .map((file) => {
      const absolute = path.resolve(file);
      // Reading `project` requires loading the module; these are small test registries, so that is fine.
      const mod = require(absolute) as { project?: string };
      if (typeof mod.project !== 'string') throw new Error(`${absolute}: an experiment module must export \`project\` (a string).`);
      return { project: mod.project, load: () => experimentsFromModule(mod, absolute) };
    });
}
