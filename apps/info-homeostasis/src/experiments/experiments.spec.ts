import * as path from 'node:path';
import { loadMnistShiftProtocol } from '@cristal/datasets';
import { OnnxClassifier } from '@cristal/onnx';
import type { RunRecord } from '@cristal/runner';
import { METHODS, type MethodName } from '../methods/method-config';
import { experimentRunner, TINY } from './run.test-helpers';

jest.setTimeout(600_000);

const lab = experimentRunner();
const run = lab.run;
afterAll(() => lab.cleanup());

async function onnxProbabilities(record: RunRecord): Promise<Float32Array> {
  const classifier = await OnnxClassifier.load(path.join(record.runDir, 'model.onnx'));
  try {
    const test = loadMnistShiftProtocol().test;
    return await classifier.predict(Float32Array.from(test.images.subarray(0, 200 * 784), (v) => v / 255), 200);
  } finally {
    await classifier.dispose();
  }
}

const sha = (record: RunRecord) => record.artifacts.find((a) => a.path === 'model.onnx')?.sha256;

describe('every method on a tiny subset', () => {
  it.each(METHODS.map((m) => [m]))('%s trains, beats chance by far, and its exported ONNX model does too', async (method: MethodName) => {
    const record = await run('calibration', 1, [...TINY, `method=${method}`]);
    expect(record.error).toBeNull();
    expect(record.status).toBe('finished');
    const s = record.summary as Record<string, number>;
    expect(s['accuracy']).toBeGreaterThan(0.75);
    expect(s['onnx_accuracy']).toBeGreaterThan(0.75);
    expect(sha(record)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('bbb with the scale-mixture prior (Monte-Carlo KL) trains, beats chance by far, and exports', async () => {
    const record = await run('calibration', 1, [...TINY, 'method=bbb', 'priorMixture={"pi":0.5,"std1":1,"std2":0.0025}']);
    expect(record.error).toBeNull();
    const s = record.summary as Record<string, number>;
    expect(s['accuracy']).toBeGreaterThan(0.75);
    expect(s['onnx_accuracy']).toBeGreaterThan(0.75);
  });

  // the homeostat's variants and ablations (quick sensing: an update every 4 of the 31 steps)
  it.each([
    ['a fixed set point', ['homeostasis.setPoint=fixed']],
    ['a Fisher trust region on each step', ['homeostasis.trustRegion=0.05']],
    ['a trust region too wide to bind (it logs the step KL)', ['homeostasis.trustRegion=1e9']],
    ['an early set point taken after a delay', ['homeostasis.setPointDelayUpdates=2']],
    ['the KL loop off', ['homeostasis.klLoop=false']],
    ['the SNR loop off', ['homeostasis.snrLoop=false']],
    ['no anti-windup', ['homeostasis.antiWindup=none']],
  ])('homeostatic with %s trains and exports', async (_name: string, variant: string[]) => {
    const record = await run('calibration', 1, [...TINY, 'method=homeostatic', 'homeostasis.updateEvery=4', 'homeostasis.warmupUpdates=3', ...variant]);
    expect(record.error).toBeNull();
    const s = record.summary as Record<string, number>;
    expect(s['accuracy']).toBeGreaterThan(0.75);
    expect(s['onnx_accuracy']).toBeGreaterThan(0.75);
    // a loop that is off holds its actuator at exactly 1
    if (variant[0] === 'homeostasis.klLoop=false') expect(s['kl_weight/dense1']).toBe(1);
    if (variant[0] === 'homeostasis.snrLoop=false') expect(s['temperature/dense1']).toBe(1);
    if (variant[0] === 'homeostasis.setPoint=fixed') expect(s['temperature/dense1']).not.toBe(1);
    // the steps of the means move the predictive by about 4e-6 nats per example here
    if (variant[0] === 'homeostasis.trustRegion=1e9') {
      expect(s['trust_region/clipped_fraction']).toBe(0);
      expect(s['trust_region/step_kl_geomean']).toBeGreaterThan(1e-9);
      expect(s['trust_region/step_kl_geomean']).toBeLessThan(1);
    }
  });

  it('homeostatic with a binding Fisher trust region clips most steps and still learns, more slowly', async () => {
    // the wide region above measured steps of about 4e-6 nats per example: 1e-6 halves most of them
    const record = await run('calibration', 1, [...TINY, 'method=homeostatic', 'homeostasis.updateEvery=4', 'homeostasis.warmupUpdates=3', 'homeostasis.trustRegion=1e-6']);
    expect(record.error).toBeNull();
    const s = record.summary as Record<string, number>;
    expect(s['trust_region/clipped_fraction']).toBeGreaterThan(0.5);
    expect(s['trust_region/step_kl_geomean']).toBeGreaterThan(1e-6);
    expect(s['accuracy']).toBeGreaterThan(0.5);
    expect(s['onnx_accuracy']).toBeGreaterThan(0.5);
  });

  it('the LeNet variant trains with Bayes-by-backprop and exports', async () => {
    const record = await run('calibration', 1, [...TINY, 'method=bbb', 'architecture=lenet', 'learningRate=0.003']);
    expect(record.error).toBeNull();
    expect((record.summary as Record<string, number>)['onnx_accuracy']).toBeGreaterThan(0.5);
  });
});

describe('determinism', () => {
  it('the same seed reproduces the same metrics and the same ONNX file; another seed does not', async () => {
    const overrides = [...TINY, 'method=homeostatic', 'homeostasis.updateEvery=5'];
    const [a, b, c] = [await run('calibration', 7, overrides), await run('calibration', 7, overrides), await run('calibration', 8, overrides)];
    const metrics = (r: RunRecord) => {
      const { train_seconds: _t, train_samples_per_second: _s, ...rest } = r.summary as Record<string, number>;
      return rest;
    };
    expect(metrics(b)).toEqual(metrics(a));
    expect(metrics(c)['accuracy']).not.toBe(metrics(a)['accuracy']);
    // the files differ in their provenance (run id) only: their predictions are identical
    const [pa, pb, pc] = [await onnxProbabilities(a), await onnxProbabilities(b), await onnxProbabilities(c)];
    expect(Array.from(pb)).toEqual(Array.from(pa));
    expect(Array.from(pc)).not.toEqual(Array.from(pa));
  });
});
