import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder } from '@cristal/onnx';
import { temporaryLab } from '@cristal/runner';
import { experiments } from '../experiments';
import type { Leaderboard } from './leaderboard-types';
import { classMeanFile } from './leaderboard.test-helpers';

jest.setTimeout(300_000);

const lab = temporaryLab('benchmarks', experiments, path.join(__dirname, '..', '..', '..', '..'));
const model = classMeanFile();
afterAll(() => {
  lab.cleanup();
  model.cleanup();
});
const SMALL = ['limit=300', 'rotations=[0, 90]', 'latencyRuns=3', 'throughputBatch=32', 'throughputRuns=2'];

describe('benchmarks:leaderboard with given ONNX files (lab bench --models)', () => {
  it('scores each file on the shared data, keeps a copy, and writes the JSON, Markdown and HTML reports', async () => {
    const record = await lab.run('leaderboard', 0, [...SMALL, `models=["${model.file}", "${model.file}"]`]);
    expect(record.error).toBeNull();
    expect(record.status).toBe('finished');
    const board = JSON.parse(fs.readFileSync(path.join(record.runDir, 'leaderboard.json'), 'utf8')) as Leaderboard;
    expect(board.profile).toBe('models');
    expect(board.runId).toBe(record.id);
    expect(board.data).toMatchObject({ testImages: 300, oodImages: 300, rotations: [0, 90] });
    // the same file twice: two rows with distinct ids and identical scores
    expect(board.models.map((m) => m.id)).toEqual(['class-means', 'class-means-2']);
    expect(board.models[1].test).toEqual(board.models[0].test);
    expect(board.models[0]).toMatchObject({ project: 'external', source: model.file, onnxFile: 'models/class-means.onnx' });
    expect(board.models[0].test.accuracy).toBeGreaterThan(0.7);
    expect(fs.readFileSync(path.join(record.runDir, 'models/class-means.onnx'))).toEqual(fs.readFileSync(model.file));
    expect(record.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['models/class-means.onnx', 'leaderboard.json', 'leaderboard.md', 'leaderboard.html']));
    expect(fs.readFileSync(path.join(record.runDir, 'leaderboard.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(record.summary?.['class-means/accuracy']).toBe(board.models[0].test.accuracy);
    expect(record.summary?.['class-means/energy_nj']).toBeCloseTo((7840 * 4.6) / 1000, 9);
  });

  it('fails clearly on a missing file and on a file without the shared signature, naming what differs', async () => {
    const missing = await lab.run('leaderboard', 0, [...SMALL, 'models=["/nonexistent/model.onnx"]']);
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/\/nonexistent\/model\.onnx does not exist/);
    const g = new GraphBuilder({ name: 'torch-like' });
    const x = g.input('input', 'float32', ['N', 784]);
    g.output(g.scope('out', () => g.softmax(x, -1)), 'output');
    const wrong = path.join(path.dirname(model.file), 'torch-like.onnx');
    fs.writeFileSync(wrong, g.toBytes());
    const refused = await lab.run('leaderboard', 0, [...SMALL, `models=["${wrong}"]`]);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/torch-like\.onnx does not have the shared classifier signature/);
    expect(refused.error).toMatch(/input 'pixels' is missing; inputs are 'input' \(float32 \[N, 784\]\)/);
    expect(refused.error).toMatch(/output 'probabilities' is missing; outputs are 'output' \(float32 \[N, 784\]\)/);
  });
});
