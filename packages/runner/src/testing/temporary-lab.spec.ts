import * as fs from 'node:fs';
import { temporaryLab } from './temporary-lab';
import { experiments, project } from './toy-experiments.test-helpers';

describe('temporaryLab', () => {
  it('runs an experiment through the runner in its own home, applies overrides, and cleans up after itself', async () => {
    const lab = temporaryLab(project, experiments, process.cwd());
    const record = await lab.run('counter', 3, []);
    expect(record.status).toBe('finished');
    expect(record.seed).toBe(3);
    expect(fs.existsSync(record.runDir)).toBe(true);
    const home = record.runDir.split('/runs/')[0];
    await expect(lab.run('counter', 0, ['nope=1'])).rejects.toThrow(/nope/);
    lab.cleanup();
    expect(fs.existsSync(home)).toBe(false);
  });
});
