import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PACKAGE_DIR = path.join(__dirname, '..', '..');
export const WORKSPACE_ROOT = path.join(PACKAGE_DIR, '..', '..');
export const TOY_MODULE = path.join(__dirname, 'toy-experiments.test-helpers.ts');
const MAIN = path.join(PACKAGE_DIR, 'src', 'cli', 'main.ts');
export const NODE_ARGS = ['--conditions=@cristal/source', '-r', path.join(WORKSPACE_ROOT, 'tools', 'ts', 'register.cjs'), MAIN];

export function tempLabHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lab-test-'));
}

export function labEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LAB_HOME: home, LAB_NO_GIT: '1', LAB_EXPERIMENT_MODULES: TOY_MODULE, TF_CPP_MIN_LOG_LEVEL: '3', ...extra };
}

export interface LabResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `lab ...` from the sources to completion. */
export function lab(args: string[], env: NodeJS.ProcessEnv, options: SpawnSyncOptions = {}): LabResult {
  const result = spawnSync(process.execPath, [...NODE_ARGS, ...args], { env, cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 120_000, ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Starts `lab ...` in the background, collecting its output. */
export function spawnLab(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env, cwd: PACKAGE_DIR });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Polls until `predicate` holds (no timing assertion: the test's own timeout bounds it). */
export async function waitFor(predicate: () => boolean, pollMs = 50): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, pollMs));
}

export function runIdFrom(stderr: string): string | undefined {
  return /run (\d{8}-\d{6}-[0-9a-f]{6}) started/.exec(stderr)?.[1];
}

/** Waits for a started CLI run to announce its id on stderr. */
export async function startedRunId(output: () => { stderr: string }): Promise<string> {
  let id: string | undefined;
  await waitFor(() => (id = runIdFrom(output().stderr)) !== undefined);
  return id as string;
}

/** For tests: the value, or a failure saying what was missing. */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}
