import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Adam, RandomStreams, tf, type Variable } from '@cristal/tensor';
import { CheckpointManager, restoreVariables } from './checkpoints';

describe('CheckpointManager', () => {
  it('restores weights, optimiser, random streams, data position and step exactly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const saved: number[] = [];
    const manager = new CheckpointManager(dir, (step) => saved.push(step));
    const random = new RandomStreams(42);
    const w = tf.variable(random.init.normalTensor([3, 2]), true, 'ck-w') as Variable;
    const adam = new Adam([w], { learningRate: 0.1 });
    adam.minimize(() => tf.sum(tf.square(w)));
    random.data.uniform();
    manager.save(7, { tensors: { w }, optimizer: adam.getState(), data: { epoch: 1, offset: 32 }, extra: { best: 0.5 } }, random);
    const expectedNext = RandomStreams.fromState(random.getState()).data.uniform();
    const loaded = manager.load();
    if (!loaded) throw new Error('expected a checkpoint');
    expect(loaded.step).toBe(7);
    expect(loaded.data).toEqual({ epoch: 1, offset: 32 });
    expect(loaded.extra).toEqual({ best: 0.5 });
    expect(Array.from(loaded.tensors['w'].data)).toEqual(Array.from(w.dataSync()));
    expect(loaded.optimizer?.step).toBe(1);
    expect(Array.from(loaded.optimizer?.moments['ck-w'].v ?? [])).toEqual(Array.from(adam.getState().moments['ck-w'].v));
    expect(RandomStreams.fromState(loaded.random).data.uniform()).toBe(expectedNext);
    const copy = tf.variable(tf.zeros([3, 2]), true, 'ck-copy') as Variable;
    restoreVariables({ w: copy }, { tensors: { w: loaded.tensors['w'] } });
    expect(Array.from(copy.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(saved).toEqual([7]);
    tf.dispose([w, copy]);
  });

  it('keeps the last two checkpoints and detects a damaged tensor file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const manager = new CheckpointManager(dir);
    const random = new RandomStreams(1);
    const raw = { dtype: 'F32' as const, shape: [2], data: new Float32Array([1, 2]) };
    for (const step of [5, 10, 15]) manager.save(step, { tensors: { a: raw } }, random);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f.startsWith('step-')).sort()).toEqual(['step-000000010.json', 'step-000000015.json']);
    expect(manager.latestStep()).toBe(15);
    const file = path.join(dir, 'step-000000015.safetensors');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    expect(() => manager.load()).toThrow(/sha256/);
  });

  it('has no checkpoint before the first save', () => {
    const manager = new CheckpointManager(fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-')));
    expect(manager.load()).toBeUndefined();
    expect(manager.latestStep()).toBeNull();
  });
});
