// The app's experiments end to end through the runner, at toy sizes: what `lab run` would record.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentRegistry, RunStore, prepareRun, startRun, type RunRecord } from '@cristal/runner';
import { experiments } from './experiments';

jest.setTimeout(120_000);

describe('spiking-hopfield experiments', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'spiking-hopfield-'));
  const registry = new ExperimentRegistry([{ project: 'spiking-hopfield', load: () => experiments }]);
  const run = async (qualified: string, overrides: string[]): Promise<RunRecord> => {
    const store = RunStore.open(home);
    try {
      const meta = { command: ['test'], workspaceRoot: path.resolve(__dirname, '../../../..') };
      return await startRun(store, prepareRun(registry, { qualified, seed: 1, overrides }), meta, { echo: () => undefined, progress: { write: () => true } });
    } finally {
      store.close();
    }
  };
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('classifier (fc-snn): trains, exports model.onnx whose onnxruntime accuracy equals the TF.js accuracy', async () => {
    const record = await run('spiking-hopfield:classifier', ['trainExamples=1000', 'fcSnn.hidden=64', 'fcSnn.steps=8', 'learningRate=2e-3']);
    expect(record.error).toBeNull();
    const summary = record.summary ?? {};
    expect(summary['accuracy']).toBeGreaterThan(0.5);
    expect(summary['onnx_accuracy']).toBe(summary['accuracy']);
    expect(summary['sops_per_sample']).toBeGreaterThan(0);
    expect(summary['macs_per_sample']).toBe(784 * 64);
    expect(summary['parameters']).toBe(784 * 64 + 64 + 64 * 10 + 10);
    expect(record.artifacts.map((a) => a.path)).toContain('model.onnx');
  });

  it('capacity: the classical capacity lands near 0.14 d and the modern network stores far more than d', async () => {
    const record = await run('spiking-hopfield:capacity', ['queries=60', 'modernMaxPatternsLog2=9']);
    expect(record.error).toBeNull();
    const summary = record.summary ?? {};
    const classical = summary['capacity/classical/random-d64/flip10'] / 64;
    expect(classical).toBeGreaterThanOrEqual(0.08);
    expect(classical).toBeLessThanOrEqual(0.25);
    expect(summary['capacity/modern/random-d64/flip10']).toBe(512);
    for (const file of ['capacity.json', 'capacity.md', 'capacity-random-d64.svg']) expect(fs.existsSync(path.join(record.runDir, file))).toBe(true);
  });
});
