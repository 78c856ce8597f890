import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface JobResult {
  index: number;
  exitCode: number;
}

/**
 * Runs each command line as its own process, at most `parallel` at a time; each job's output goes to
 * its own log file. Resolves when all have ended; a failed job does not stop the others.
 */
export async function runLocalPool(commands: readonly string[][], parallel: number, logFile: (index: number) => string, env: NodeJS.ProcessEnv): Promise<JobResult[]> {
  const results: JobResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commands.length) {
      const index = next++;
      const [exe, ...args] = commands[index];
      const log = fs.openSync(logFile(index), 'a');
      const exitCode = await new Promise<number>((resolve) => {
        const child = spawn(exe, args, { stdio: ['ignore', log, log], env });
        child.on('error', () => resolve(127));
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
      fs.closeSync(log);
      results.push({ index, exitCode });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, commands.length)) }, worker));
  return results.sort((a, b) => a.index - b.index);
}
