// Integration with a real Slurm cluster: .ci/run starts a single-node cluster from Debian's slurm-wlm
// (tools/slurm/start-single-node.sh) and sets LAB_SLURM=1. Without a cluster there is nothing to test
// against, so the suite is skipped (and says so); in CI it always runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lab, labEnv, tempLabHome } from '../testing/cli.test-helpers';

const cluster = process.env.LAB_SLURM === '1';
if (!cluster) console.warn('LAB_SLURM is not 1: the Slurm integration tests are skipped (bash tools/slurm/start-single-node.sh, then LAB_SLURM=1).');

(cluster ? describe : describe.skip)('lab sweep --launcher slurm on a real cluster', () => {
  it('runs every job as an array task, at most P at a time, with the requested resources, and ingests the runs', () => {
    const home = tempLabHome();
    const r = lab(['sweep', 'runner-toy:counter', '--seeds', '0..3', '--parallel', '2', '--launcher', 'slurm', '--partition', 'debug', '--time', '5', '--cpus', '1'], labEnv(home));
    expect(r.stderr).toContain('submitted Slurm array job');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/4\/4 runs finished/);
    const sweeps = path.join(home, 'sweeps');
    const [sweep] = fs.readdirSync(sweeps);
    const script = fs.readFileSync(path.join(sweeps, sweep, 'array.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-3%2');
    expect(script).toContain('#SBATCH --partition=debug');
    expect(script).toContain('#SBATCH --cpus-per-task=1');
    const runs = JSON.parse(lab(['runs', '--json'], labEnv(home)).stdout) as { status: string; seed: number }[];
    expect(runs.map((x) => x.seed).sort()).toEqual([0, 1, 2, 3]);
    expect(runs.every((x) => x.status === 'finished')).toBe(true);
  });

  it('rejects malformed resources before submitting anything', () => {
    const home = tempLabHome();
    const r = lab(['sweep', 'runner-toy:counter', '--seeds', '0..1', '--launcher', 'slurm', '--time', 'soon'], labEnv(home));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--time "soon" is not a Slurm time');
  });
});
