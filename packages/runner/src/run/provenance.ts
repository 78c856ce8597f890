import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendInfo } from '@cristal/tensor';
import type { RunVersions } from '../store/run-record';

/** The git directory of `dir` or an ancestor (a `.git` file of a worktree is followed). */
function gitDir(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, '.git');
    if (fs.existsSync(candidate)) {
      if (fs.statSync(candidate).isDirectory()) return candidate;
      const match = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(candidate, 'utf8'));
      return match ? path.resolve(d, match[1].trim()) : undefined;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** HEAD's commit read from the git files, so recording it needs no git binary. */
export function gitCommit(dir: string): string | null {
  const git = gitDir(dir);
  if (!git) return null;
  try {
    const head = fs.readFileSync(path.join(git, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const common = fs.existsSync(path.join(git, 'commondir')) ? path.resolve(git, fs.readFileSync(path.join(git, 'commondir'), 'utf8').trim()) : git;
    for (const base of [git, common]) {
      const file = path.join(base, ref);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    }
    const packed = path.join(common, 'packed-refs');
    if (fs.existsSync(packed)) {
      const line = fs.readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
      if (line) return line.split(' ')[0];
    }
  } catch {
    // an unreadable repository only costs the record its commit
  }
  return null;
}

/** Whether tracked files differ from HEAD; null when it cannot be told (no git, or LAB_NO_GIT set). */
export function gitDirty(dir: string, env: NodeJS.ProcessEnv = process.env): boolean | null {
  if (env['LAB_NO_GIT'] || !gitDir(dir)) return null;
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.toString().trim().length > 0;
  } catch {
    return null;
  }
}

function versionOf(name: string, root: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [root, __dirname] }), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

const TRACKED_PACKAGES = ['@cristal/tensor', '@cristal/datasets', '@cristal/metrics', '@tensorflow/tfjs', '@tensorflow/tfjs-node', 'better-sqlite3', 'zod'];

export function runVersions(root: string, extra: readonly string[] = []): RunVersions {
  const packages: Record<string, string> = {};
  for (const name of [...TRACKED_PACKAGES, ...extra]) {
    const version = versionOf(name, root);
    if (version) packages[name] = version;
  }
  let backend = null;
  try {
    backend = backendInfo();
  } catch {
    // recorded as null: the run itself will fail loudly if it needs the backend
  }
  return { node: process.version, runner: versionOf('@cristal/runner', root) ?? '0.0.0', packages, backend };
}

export function hostName(): string {
  return os.hostname();
}
