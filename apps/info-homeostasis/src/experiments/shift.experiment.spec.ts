import * as fs from 'node:fs';
import * as path from 'node:path';
import { experimentRunner, TINY } from './run.test-helpers';

jest.setTimeout(300_000);

const lab = experimentRunner();
afterAll(() => lab.cleanup());

describe('shift', () => {
  it('degrades with rotation, detects Fashion-MNIST above chance, and writes its table and charts', async () => {
    const record = await lab.run('shift', 2, [...TINY, 'method=bbb', 'rotations=[0, 90, 180]']);
    expect(record.error).toBeNull();
    const s = record.summary as Record<string, number>;
    // a known fact of MNIST: digits rotated by 90 degrees are mostly misread
    expect(s['rot0/accuracy']).toBeGreaterThan(0.75);
    expect(s['rot90/accuracy']).toBeLessThan(s['rot0/accuracy'] - 0.4);
    expect(s['rot0/accuracy']).toBe(s['accuracy']);
    expect(s['ood_auroc_entropy']).toBeGreaterThan(0.55);
    expect(s['ood_auroc_mi']).toBeGreaterThan(0.5);
    const shift = JSON.parse(fs.readFileSync(path.join(record.runDir, 'shift.json'), 'utf8')) as { rotations: { degrees: number }[] };
    expect(shift.rotations.map((r) => r.degrees)).toEqual([0, 90, 180]);
    for (const file of ['shift.md', 'accuracy-vs-rotation.svg', 'ece-vs-rotation.svg', 'nll-vs-rotation.svg', 'model.onnx']) expect(fs.existsSync(path.join(record.runDir, file))).toBe(true);
  });

  it('reports no mutual-information AUROC for a single deterministic network', async () => {
    const record = await lab.run('shift', 2, [...TINY, 'method=deterministic', 'rotations=[0]', 'verifyOnnx=false']);
    expect(record.summary?.['ood_auroc_mi']).toBeUndefined();
    expect(record.summary?.['ood_auroc_entropy']).toBeGreaterThan(0.5);
  });
});
