import { pooledTensor, takeBuffer } from './buffer-pool';

describe('the tensor buffer pool', () => {
  it('reuses a buffer only once its tensor has been disposed', () => {
    const n = 12345;
    const a = takeBuffer(n).fill(1);
    const ta = pooledTensor(a, [n]);
    const b = takeBuffer(n);
    expect(b).not.toBe(a); // a still backs a live tensor
    const tb = pooledTensor(b.fill(2), [n]);
    expect(ta.dataSync()[0]).toBe(1);
    ta.dispose();
    expect(takeBuffer(n)).toBe(a);
    tb.dispose();
  });

  it('a kept clone keeps the buffer in use', () => {
    const n = 777;
    const a = takeBuffer(n).fill(3);
    const t = pooledTensor(a, [n]);
    const clone = t.clone();
    t.dispose();
    expect(takeBuffer(n)).not.toBe(a);
    expect(clone.dataSync()[0]).toBe(3);
    clone.dispose();
  });
});
