import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentRegistry, findWorkspaceRoot, prepareRun, RunStore, workspaceSources } from '@cristal/runner';
import type { HeadlineModel } from './headline-models';
import { HEADLINE_MODELS, selectHeadlineModels } from './headline-models';
import { toyExperiments } from './leaderboard.test-helpers';
import { trainHeadlineModels } from './train-headline-models';

jest.setTimeout(120_000);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-'));
const store = RunStore.open(home);
afterAll(() => {
  store.close();
  fs.rmSync(home, { recursive: true, force: true });
});
const registry = new ExperimentRegistry([{ project: 'toy', load: () => toyExperiments }]);
const toy = (id: string, overrides: string[]): HeadlineModel => ({ id, label: id, experiment: 'toy:class-means', artifact: 'model.onnx', overrides: { quick: overrides, full: overrides } });
const options = { registry, store, profile: 'quick' as const, parentRunId: 'parent-1', workspaceRoot: home, io: { echo: () => undefined, progress: { write: () => true } } };

describe('trainHeadlineModels', () => {
  it('runs each model for each seed as a child run of its own, tagged with the leaderboard run, and returns its file', async () => {
    const starts: string[] = [];
    const trained = await trainHeadlineModels([toy('a', []), toy('b', ['examples=300'])], { ...options, seeds: [4, 5], onStart: (m, seed, i, n) => starts.push(`${m.id}/${seed} ${i + 1}/${n}`) });
    expect(starts).toEqual(['a/4 1/4', 'a/5 2/4', 'b/4 3/4', 'b/5 4/4']);
    expect(trained.map((t) => [t.model.id, t.seed, t.run.status, t.run.profile])).toEqual([
      ['a', 4, 'finished', 'quick'],
      ['a', 5, 'finished', 'quick'],
      ['b', 4, 'finished', 'quick'],
      ['b', 5, 'finished', 'quick'],
    ]);
    // the profile's settings, then the model's overrides, reached the child
    expect(trained.map((t) => t.run.summary?.['examples'])).toEqual([500, 500, 300, 300]);
    for (const t of trained) {
      expect(t.run.tags).toEqual(['leaderboard:parent-1']);
      expect(t.run.name).toBe(`leaderboard/${t.model.id}`);
      expect(t.file).toBe(path.join(t.run.runDir, 'model.onnx'));
      expect(fs.existsSync(t.file)).toBe(true);
      expect(store.getRun(t.run.id)?.status).toBe('finished');
    }
  });

  it('says which child failed, why (first line) and where its log is', async () => {
    await expect(trainHeadlineModels([toy('broken', ['fail=true'])], { ...options, seeds: [0] })).rejects.toThrow(
      /Leaderboard: broken \(toy:class-means, seed 0\) ended 'failed' in run \S+: Error: toy failure; its log is .*log\.txt\./,
    );
    await expect(trainHeadlineModels([toy('silent', ['exportOnnx=false'])], { ...options, seeds: [0] })).rejects.toThrow(/finished without model\.onnx \(artifacts: .*\); check that the experiment exports it/);
  });
});

describe('selectHeadlineModels', () => {
  it('keeps the leaderboard order, and names the known ids when given an unknown one', () => {
    expect(selectHeadlineModels([]).map((m) => m.id)).toEqual(HEADLINE_MODELS.map((m) => m.id));
    expect(selectHeadlineModels(['pc', 'mlp']).map((m) => m.id)).toEqual(['mlp', 'pc']);
    expect(() => selectHeadlineModels(['mpl'])).toThrow(/Unknown headline model 'mpl'; the leaderboard knows mlp, bbb, homeostatic, fc-snn, spiking-hopfield, pc, bayesian-pc\./);
  });

  it('names only experiments and settings the projects define (resolved against their real schemas)', () => {
    expect(new Set(HEADLINE_MODELS.map((m) => m.id)).size).toBe(HEADLINE_MODELS.length);
    const root = findWorkspaceRoot(__dirname) as string;
    const workspace = new ExperimentRegistry(workspaceSources(root));
    for (const m of HEADLINE_MODELS) {
      for (const profile of ['quick', 'full'] as const) {
        // throws on an unknown experiment, an unknown key or a bad value
        const prepared = prepareRun(workspace, { qualified: m.experiment, profile, overrides: m.overrides[profile], seed: 0 });
        for (const o of m.overrides[profile]) {
          const [key, value] = o.split('=');
          const resolved = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], prepared.config);
          expect(String(resolved)).toBe(value);
        }
      }
    }
  });
});
