import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tf } from '../backend/backend';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, readSafetensors, saveSafetensors } from './safetensors';
import { writeFileAtomic } from './atomic-write';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safetensors-spec-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function corrupt(bytes: Uint8Array, edit: (b: Uint8Array) => Uint8Array, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, edit(Uint8Array.from(bytes)));
  return file;
}

describe('safetensors', () => {
  it('writes the bytes the format specifies', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(json.length).toBe(54); // padded with 2 spaces to 56, a multiple of 8
    const expected = Buffer.concat([
      Buffer.from([56, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(`${json}  `),
      Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]), // 1.0f, 2.0f little-endian
    ]);
    expect(Buffer.from(bytes)).toEqual(expected);
  });

  it('round-trips float32, int32 and bool tensors with metadata, aligned by element size', () => {
    const file = path.join(dir, 'roundtrip.safetensors');
    const w = tf.tensor2d([[1.5, -2], [3, 4e-8]]);
    const idx = tf.tensor1d([7, -3, 2147483647], 'int32');
    const mask = tf.tensor1d([true, false, true], 'bool');
    saveSafetensors(file, { 'layer.w': w, idx, mask }, { step: '12', framework: 'tfjs' });
    const { tensors, metadata } = loadSafetensors(file);
    expect(metadata).toEqual({ step: '12', framework: 'tfjs' });
    expect(tensors['layer.w'].dtype).toBe('float32');
    expect(tensors['layer.w'].shape).toEqual([2, 2]);
    expect(tensors['layer.w'].dataSync()).toEqual(w.dataSync());
    expect(Array.from(tensors.idx.dataSync())).toEqual([7, -3, 2147483647]);
    expect(tensors.mask.dtype).toBe('bool');
    expect(Array.from(tensors.mask.dataSync())).toEqual([1, 0, 1]);
    const header = JSON.parse(fs.readFileSync(file).subarray(8, 8 + Number(fs.readFileSync(file).readBigUInt64LE(0))).toString());
    for (const name of ['layer.w', 'idx']) expect(header[name].data_offsets[0] % 4).toBe(0);
    tf.dispose([w, idx, mask, ...Object.values(tensors)]);
  });

  it('decodes a Node Buffer (a view into pooled memory) correctly', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Float32Array([1.5, -2, 3]) } });
    const pooled = Buffer.from(bytes); // small Buffers share one pool: byteOffset != 0
    expect(Array.from(decodeSafetensors(pooled).tensors.a.data)).toEqual([1.5, -2, 3]);
  });

  it('reads half precision, bfloat16, int64 and float64 files', () => {
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]).buffer);
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc0a0]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([5n, -6n]).buffer);
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
      l: { dtype: 'I64', shape: [2], data_offsets: [12, 28] },
    });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const bytes = Buffer.concat([len, Buffer.from(header), f16, bf16, i64]);
    const { tensors } = decodeSafetensors(new Uint8Array(bytes));
    expect(Array.from(tensors.h.data)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(tensors.b.data)).toEqual([1, -5]);
    expect(Array.from(tensors.l.data)).toEqual([5, -6]);
  });

  describe('gives a clear error naming the file for', () => {
    const good = encodeSafetensors({ a: { dtype: 'F32', shape: [4], data: new Float32Array([1, 2, 3, 4]) }, b: { dtype: 'I32', shape: [1], data: new Int32Array([9]) } });

    it('a missing file', () => {
      const file = path.join(dir, 'nope.safetensors');
      expect(() => readSafetensors(file)).toThrow(`Cannot read ${file}: ENOENT.`);
    });
    it('a truncated file', () => {
      const file = corrupt(good, (b) => b.subarray(0, b.length - 3), 'truncated.safetensors');
      expect(() => readSafetensors(file)).toThrow(`${file}: truncated: tensor "b" ends at byte 20 of the data, but the data has 17 bytes.`);
      const headerCut = corrupt(good, (b) => b.subarray(0, 20), 'header-cut.safetensors');
      expect(() => readSafetensors(headerCut)).toThrow(/header-cut.safetensors: truncated: the header declares \d+ bytes but the file has 12/);
    });
    it('a corrupted header', () => {
      const file = corrupt(good, (b) => ((b[8] = 0x5d), b), 'badjson.safetensors'); // ']' where '{' was
      expect(() => readSafetensors(file)).toThrow(/badjson.safetensors: the header is not valid JSON/);
      const huge = corrupt(good, (b) => ((b[7] = 0x7f), b), 'huge.safetensors');
      expect(() => readSafetensors(huge)).toThrow(/huge.safetensors: header length \d+ is implausible/);
    });
    it('trailing bytes after the last tensor', () => {
      const file = corrupt(good, (b) => Uint8Array.from([...b, 0, 0]), 'trailing.safetensors');
      expect(() => readSafetensors(file)).toThrow('2 bytes after the last tensor');
    });
    it('a shape that disagrees with the byte span', () => {
      const text = Buffer.from(good).toString('latin1').replace('"shape":[4]', '"shape":[5]');
      const file = corrupt(Buffer.from(text, 'latin1'), (b) => b, 'shape.safetensors');
      expect(() => readSafetensors(file)).toThrow('tensor "a" (F32 [5]) needs 20 bytes but spans 16.');
    });
  });

  it('never leaves a half-written file: a failed write keeps the old content and no temp file', () => {
    const file = path.join(dir, 'atomic.bin');
    writeFileAtomic(file, 'old');
    const badChunk = { length: 1 } as unknown as Uint8Array; // not writable: makes the write throw midway
    expect(() => writeFileAtomic(file, [Buffer.from('new'), badChunk])).toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).filter((f) => f.includes('atomic.bin.tmp'))).toEqual([]);
  });

  const python = process.env.CRISTAL_PYTHON;
  (python ? it : it.skip)('is read and written by Python safetensors identically (CRISTAL_PYTHON)', () => {
    const ours = path.join(dir, 'from-ts.safetensors');
    const theirs = path.join(dir, 'from-py.safetensors');
    saveSafetensors(ours, {
      w: { dtype: 'F32', shape: [2, 3], data: new Float32Array([0.5, -1, 2, 3.25, 1e-7, 6]) },
      n: { dtype: 'I32', shape: [2], data: new Int32Array([-4, 5]) },
    }, { note: 'cross-check' });
    const script = `
import json, sys, numpy as np
from safetensors.numpy import load_file, save_file
from safetensors import safe_open
t = load_file(sys.argv[1])
with safe_open(sys.argv[1], "np") as f: meta = f.metadata()
print(json.dumps({k: [str(v.dtype), list(v.shape), v.ravel().tolist()] for k, v in t.items()} | {"__meta__": meta}))
save_file({"w": np.array([[0.5, -1, 2], [3.25, 1e-7, 6]], dtype=np.float32), "n": np.array([-4, 5], dtype=np.int32)}, sys.argv[2], metadata={"note": "cross-check"})`;
    const r = spawnSync(python as string, ['-c', script, ours, theirs], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout);
    expect(seen.w[0]).toBe('float32');
    expect(seen.w[1]).toEqual([2, 3]);
    expect(seen.w[2]).toEqual(Array.from(new Float32Array([0.5, -1, 2, 3.25, 1e-7, 6])));
    expect(seen.n).toEqual(['int32', [2], [-4, 5]]);
    expect(seen.__meta__).toEqual({ note: 'cross-check' });
    // The reference writer produces the very bytes we produce for the same tensors.
    expect(fs.readFileSync(theirs)).toEqual(fs.readFileSync(ours));
  });
});
