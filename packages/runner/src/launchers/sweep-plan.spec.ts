import { UsageError } from '../config/config-error';
import { slurmScript } from './slurm';
import { expandGrid, parseGrid, parseSeeds } from './sweep-plan';

describe('sweep plan', () => {
  it('expands the cartesian product of the grid times the seeds', () => {
    const jobs = expandGrid(parseGrid(['a=1,2', 'b=x,y,z']), parseSeeds('0..1'));
    expect(jobs).toHaveLength(12);
    expect(new Set(jobs.map((j) => `${j.overrides.join(' ')}#${j.seed}`)).size).toBe(12);
    expect(jobs[0]).toEqual({ index: 0, overrides: ['a=1', 'b=x'], seed: 0 });
  });

  it('reads seed ranges and lists, and rejects bad specs', () => {
    expect(parseSeeds('2..4')).toEqual([2, 3, 4]);
    expect(parseSeeds('1,5,1')).toEqual([1, 5]);
    expect(() => parseSeeds('4..2')).toThrow(UsageError);
    expect(() => parseGrid(['a='])).toThrow(UsageError);
    expect(() => parseGrid(['a=1', 'a=2'])).toThrow(/twice/);
  });

  it('writes a Slurm array script limited to P concurrent tasks', () => {
    const script = slurmScript('/lab/sweeps/s1', 6, 2, 's1', { LAB_HOME: "/lab's home" });
    expect(script).toContain('#SBATCH --array=0-5%2');
    expect(script).toContain("export LAB_HOME='/lab'\\''s home'");
    expect(script).toContain('job-"$SLURM_ARRAY_TASK_ID".args');
  });
});
