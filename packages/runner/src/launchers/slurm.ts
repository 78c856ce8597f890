import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { writeFileAtomic } from '@cristal/tensor';

export interface SlurmSubmission {
  script: string;
  manifest: string;
  jobId: string;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Resources each array task asks for; each becomes an #SBATCH line. */
export interface SlurmResources {
  partition?: string;
  /** Slurm time format: minutes, MM:SS, HH:MM:SS, D-HH[:MM[:SS]]. */
  time?: string;
  cpusPerTask?: number;
  /** Memory per node, e.g. 4G or 4096M. */
  mem?: string;
}

/** Checks the resources before anything is written or submitted. */
export function checkSlurmResources(r: SlurmResources): void {
  const problems: string[] = [];
  if (r.partition !== undefined && !/^[\w.-]+$/.test(r.partition)) problems.push(`--partition "${r.partition}" is not a partition name`);
  if (r.time !== undefined && !/^(\d+-)?\d+(:\d{2}){0,2}$/.test(r.time)) problems.push(`--time "${r.time}" is not a Slurm time (minutes, HH:MM:SS or D-HH:MM:SS)`);
  if (r.cpusPerTask !== undefined && !(Number.isInteger(r.cpusPerTask) && r.cpusPerTask >= 1)) problems.push(`--cpus must be a positive integer, got ${r.cpusPerTask}`);
  if (r.mem !== undefined && !/^\d+[KMGT]?$/.test(r.mem)) problems.push(`--mem "${r.mem}" is not a Slurm memory size (e.g. 4G, 4096M)`);
  if (problems.length > 0) throw new Error(`Invalid Slurm resources: ${problems.join('; ')}.`);
}

/**
 * The batch script: one array task per job, at most `parallel` at once (`%P`); each task reads its
 * command line (NUL-separated, so any argument survives) from the manifest directory and runs it.
 */
export function slurmScript(dir: string, count: number, parallel: number, name: string, env: Record<string, string>, resources: SlurmResources = {}): string {
  checkSlurmResources(resources);
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name.replace(/[^\w.-]/g, '_')}`,
    `#SBATCH --array=0-${count - 1}%${parallel}`,
    `#SBATCH --output=${dir}/job-%a.log`,
    ...(resources.partition ? [`#SBATCH --partition=${resources.partition}`] : []),
    ...(resources.time ? [`#SBATCH --time=${resources.time}`] : []),
    ...(resources.cpusPerTask ? [`#SBATCH --cpus-per-task=${resources.cpusPerTask}`] : []),
    ...(resources.mem ? [`#SBATCH --mem=${resources.mem}`] : []),
    'set -euo pipefail',
    ...exports,
    `mapfile -d '' ARGS < ${shellQuote(dir)}/job-"$SLURM_ARRAY_TASK_ID".args`,
    'exec "${ARGS[@]}"',
    '',
  ].join('\n');
}

/** Writes the manifest, argument files and script atomically, then submits with sbatch. */
export function submitSlurmArray(
  dir: string,
  commands: readonly string[][],
  parallel: number,
  name: string,
  env: Record<string, string>,
  resources: SlurmResources = {},
): SlurmSubmission {
  commands.forEach((cmd, i) => writeFileAtomic(path.join(dir, `job-${i}.args`), cmd.map((a) => `${a}\0`).join('')));
  const manifest = path.join(dir, 'manifest.json');
  writeFileAtomic(manifest, JSON.stringify({ name, jobs: commands }, null, 1));
  const script = path.join(dir, 'array.sbatch');
  writeFileAtomic(script, slurmScript(dir, commands.length, parallel, name, env, resources));
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
