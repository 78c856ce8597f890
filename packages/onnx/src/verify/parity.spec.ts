import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { exportDenseMlp } from '../exporters/dense-mlp';
import { TEST_METADATA, randomMlp, tfjsMlp } from '../exporters/mlp.test-helpers';
import { verifyParity } from './parity';

describe('verifyParity', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-parity-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const layers = randomMlp(21, [784, 12, 10], ['relu', 'none']);
  const file = path.join(dir, 'm.onnx');
  fs.writeFileSync(file, exportDenseMlp(layers, { metadata: TEST_METADATA }));
  const inputs = new RandomStreams(22).data.uniformTensor([20, 784]);
  afterAll(() => tf.dispose([inputs, ...layers.flatMap((l) => [l.weight, l.bias])]));

  it('passes the exported model and fails a different one, with the size of the differences', async () => {
    const ok = await verifyParity(tfjsMlp(layers), file, inputs.dataSync() as Float32Array);
    expect(ok).toMatchObject({ pass: true, violations: 0 });
    const perturbed = layers.map((l, i) => (i === 1 ? { ...l, bias: tf.add(l.bias, tf.scalar(0.5).mul(tf.range(0, 10).div(10))) } : l));
    const bad = await verifyParity(tfjsMlp(perturbed), file, inputs);
    expect(bad.pass).toBe(false);
    expect(bad.maxAbsDiff).toBeGreaterThan(1e-3);
    expect(bad.reason).toMatch(/^\d+ of 200 values outside atol 0.00001 \+ rtol 0.0001$/);
    tf.dispose(perturbed[1].bias);
  });

  it('fails on a shape or dtype difference whatever the numbers', async () => {
    const report = await verifyParity((x) => tf.slice(tfjsMlp(layers)(x), [0, 0], [-1, 9]), file, inputs);
    expect(report).toMatchObject({ pass: false, reason: 'TF.js gives float32 [20, 9], ONNX float32 [20, 10]' });
    const ints = await verifyParity((x) => tf.cast(tfjsMlp(layers)(x), 'int32'), file, inputs);
    expect(ints).toMatchObject({ pass: false, reason: 'TF.js gives int32 [20, 10], ONNX float32 [20, 10]' });
  });
});
