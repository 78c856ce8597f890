// The suite's child-process runner, on tiny `node -e` scripts (no bench is run here).
import * as os from 'node:os';
import { runProcess } from './run-process';

const node = (script: string, timeoutMs = 20_000) => runProcess({ executable: process.execPath, argv: ['-e', script], cwd: os.tmpdir(), env: process.env, timeoutMs, killGraceMs: 500 });

describe('runProcess', () => {
  it('collects stdout and stderr and the exit code', async () => {
    const result = await node('console.log(JSON.stringify({ a: 1 }, null, 2)); console.error("warn"); process.exitCode = 3;');
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdout: '{\n  "a": 1\n}\n', stderr: 'warn\n' });
    expect(result.seconds).toBeGreaterThanOrEqual(0);
  });

  it('runs in the given directory with the given environment', async () => {
    const result = await runProcess({ executable: process.execPath, argv: ['-e', 'console.log(process.cwd(), process.env.PERF_PROBE)'], cwd: os.tmpdir(), env: { ...process.env, PERF_PROBE: 'seen' }, timeoutMs: 20_000 });
    expect(result.stdout.trim()).toMatch(/ seen$/);
  });

  it('stops a process that runs over its time limit, with SIGKILL if it ignores SIGTERM', async () => {
    // 1.5 s: enough for the child to install its SIGTERM handler even on a loaded machine
    const stubborn = await node('process.on("SIGTERM", () => {}); console.log("started"); setInterval(() => {}, 1000);', 1500);
    expect(stubborn).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL', stdout: 'started\n' });
  });

  it('reports a process that cannot start instead of throwing', async () => {
    const result = await runProcess({ executable: '/nonexistent/node', argv: [], cwd: os.tmpdir(), env: process.env, timeoutMs: 20_000 });
    expect(result.exitCode).toBeNull();
    expect(result.stderr).toContain('could not start /nonexistent/node: spawn /nonexistent/node ENOENT');
  });
});
