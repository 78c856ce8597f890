// Runs one child process to its end, collecting its stdout and stderr, and stops it when it runs over
// its time limit. Never rejects: a process that cannot start comes back with exit code null and the
// reason at the end of its stderr, so the suite reports it like any other failed bench.
import { spawn } from 'node:child_process';

export interface ProcessRequest {
  executable: string;
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** After SIGTERM at the time limit, SIGKILL this much later (a bench stuck in native code may ignore SIGTERM). */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
  stdout: string;
  stderr: string;
}

export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(request.executable, request.argv, { cwd: request.cwd, env: request.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), request.killGraceMs ?? 10_000);
    }, request.timeoutMs);
    let settled = false;
    const finish = (exitCode: number | null, signal: string | null, spawnError?: Error) => {
      if (settled) return; // 'error' and 'close' can both fire for a process that failed to start
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        timedOut,
        seconds: Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (spawnError ? `\ncould not start ${request.executable}: ${spawnError.message}` : ''),
      });
    };
    child.on('error', (error) => finish(null, null, error));
    child.on('close', (code, signal) => finish(code, signal));
  });
}
