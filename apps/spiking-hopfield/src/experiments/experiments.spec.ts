// The app's experiments end to end through the runner, at toy sizes: what `lab run` would record.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkClassifierSignature } from '@cristal/onnx';
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

  it('spiking-attention: the softmax error shrinks with the window, latency coding costs fewer synaptic operations than rate coding', async () => {
    const record = await run('spiking-hopfield:spiking-attention', ['betas=[0.3]', 'windows=[16,256]', 'queries=32']);
    expect(record.error).toBeNull();
    const { rows } = JSON.parse(fs.readFileSync(path.join(record.runDir, 'spiking-attention.json'), 'utf8')) as {
      rows: { readout: string; coding: string; window: number | null; softmaxTv: number; synapticOpsPerQuery: number; retrievalSuccess: number }[];
    };
    for (const readout of ['escape-noise', 'poisson-race']) {
      for (const coding of ['rate', 'latency']) {
        const [short, long] = [16, 256].map((w) => rows.find((r) => r.readout === readout && r.coding === coding && r.window === w));
        expect(long?.softmaxTv).toBeLessThan(0.75 * (short?.softmaxTv ?? 0));
      }
      const sops = (coding: string) => rows.find((r) => r.readout === readout && r.coding === coding && r.window === 16)?.synapticOpsPerQuery ?? 0;
      expect(sops('latency')).toBeLessThan(sops('rate'));
    }
    expect(rows.filter((r) => r.readout === 'latency-wta').every((r) => r.retrievalSuccess === 1)).toBe(true);
  });

  // Toy Hopfield twins: d 32, M 24, dv 16, 40 Adam steps at lr 1e-2 (measured 0.66 and 0.67 test accuracy, seed 1).
  const HOPFIELD_TOY = ['trainExamples=1000', 'epochs=2', 'batchSize=50', 'hopfield.hiddenSize=32', 'hopfield.prototypeCount=24', 'hopfield.valueSize=16', 'hopfield.beta=0.25'];

  it('classifier (hopfield-lookup): the dense twin trains, counts its MACs, exports model.onnx with the TF.js accuracy', async () => {
    const record = await run('spiking-hopfield:classifier', ['model=hopfield-lookup', ...HOPFIELD_TOY]);
    expect(record.error).toBeNull();
    const summary = record.summary ?? {};
    expect(summary['accuracy']).toBeGreaterThan(0.5);
    expect(summary['onnx_accuracy']).toBe(summary['accuracy']);
    expect(summary['sops_per_sample']).toBe(0);
    expect(summary['macs_per_sample']).toBe(784 * 32 + 32 * 24 + 24 * 16 + 16 * 10);
    expect(summary['parameters']).toBe(784 * 32 + 32 + 24 * 32 + 24 * 16 + 16 * 10 + 10);
    expect(record.artifacts.map((a) => a.path)).toContain('model.onnx');
  });

  it('classifier (spiking-hopfield): trains through the LIF encoder, counts SOPs = encoder spikes x M, exports spike_counts', async () => {
    const record = await run('spiking-hopfield:classifier', ['model=spiking-hopfield', ...HOPFIELD_TOY, 'hopfield.steps=8']);
    expect(record.error).toBeNull();
    const summary = record.summary ?? {};
    expect(summary['accuracy']).toBeGreaterThan(0.5);
    expect(summary['onnx_accuracy']).toBe(summary['accuracy']);
    // the dense parts: the input current once, A V and the readout; no d x M product
    expect(summary['macs_per_sample']).toBe(784 * 32 + 24 * 16 + 16 * 10);
    const rate = summary['firing_rate/encoder'];
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
    // SOPs = spikes x fan-out M, spikes = rate x d neurons x T steps
    expect(summary['sops_per_sample']).toBeCloseTo(rate * 32 * 8 * 24, 6);
    expect(summary['parameters']).toBe(784 * 32 + 32 + 24 * 32 + 24 * 16 + 16 * 10 + 10);
    const onnx = fs.readFileSync(path.join(record.runDir, 'model.onnx'));
    expect(checkClassifierSignature(onnx)).toEqual({ ok: true, problems: [], extraOutputs: ['spike_counts'] });
  });

  it('capacity: the classical capacity lands near 0.14 d and the modern network stores far more than d', async () => {
    const record = await run('spiking-hopfield:capacity', ['queries=60', 'modernMaxPatternsLog2=9', 'spikingWindows=[64]']);
    expect(record.error).toBeNull();
    const summary = record.summary ?? {};
    const classical = summary['capacity/classical/random-d64/flip10'] / 64;
    expect(classical).toBeGreaterThanOrEqual(0.08);
    expect(classical).toBeLessThanOrEqual(0.25);
    expect(summary['capacity/modern/random-d64/flip10']).toBe(512);
    // one spiking update at beta = 1 retrieves as the dense one does
    expect(summary['capacity/spiking-T64/random-d64/flip10']).toBe(512);
    for (const file of ['capacity.json', 'capacity.md', 'capacity-random-d64.svg']) expect(fs.existsSync(path.join(record.runDir, file))).toBe(true);
  });
});
