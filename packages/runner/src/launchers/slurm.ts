import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { writeFileAtomic } from '@cristal/tensor';

export interface SlurmSubmission {
  script: string;
  manifest: string;
  jobId: string;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The batch script: one array task per job, at most `parallel` at once (`%P`); each task reads its
 * command line (NUL-separated, so any argument survives) from the manifest directory and runs it.
 */
export function slurmScript(dir: string, count: number, parallel: number, name: string, env: Record<string, string>): string {
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name.replace(/[^\w.-]/g, '_')}`,
    `#SBATCH --array=0-${count - 1}%${parallel}`,
    `#SBATCH --output=${dir}/job-%a.log`,
    'set -euo pipefail',
    ...exports,
    `mapfile -d '' ARGS < ${shellQuote(dir)}/job-"$SLURM_ARRAY_TASK_ID".args`,
    'exec "${ARGS[@]}"',
    '',
  ].join('\n');
}

/** Writes the manifest, argument files and script atomically, then submits with sbatch. */
export function submitSlurmArray(dir: string, commands: readonly string[][], parallel: number, name: string, env: Record<string, string>): SlurmSubmission {
  commands.forEach((cmd, i) => writeFileAtomic(path.join(dir, `job-${i}.args`), cmd.map((a) => `${a}\0`).join('')));
  const manifest = path.join(dir, 'manifest.json');
  writeFileAtomic(manifest, JSON.stringify({ name, jobs: commands }, null, 1));
  const script = path.join(dir, 'array.sbatch');
  writeFileAtomic(script, slurmScript(dir, commands.length, parallel, name, env));
  const out = execFileSync('sbatch', ['--parsable', script], { encoding: 'utf8' }).trim();
  return { script, manifest, jobId: out.split(';')[0] };
}

/** Polls squeue until the array has left the queue. */
export async function waitForSlurm(jobId: string, pollMs = 5000): Promise<void> {
  for (;;) {
    const out = execFileSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).trim();
    if (out === '') return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
