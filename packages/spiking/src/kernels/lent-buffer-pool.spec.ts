import { tf } from '@cristal/tensor';
import { lentTensor, takeLendableBuffer } from './lent-buffer-pool';

describe('lent buffer pool', () => {
  it('reuses a buffer only once its tensor is released, and the tensor reads the buffer without a copy', () => {
    const length = 1237; // a length no other test uses
    const first = takeLendableBuffer(length);
    first.fill(1);
    const a = lentTensor(first, [length]);
    expect(a.dataSync()).toBe(first); // tfjs-node hands back the array it was given
    const second = takeLendableBuffer(length);
    expect(second).not.toBe(first); // a's data is alive
    const b = lentTensor(second.fill(2), [length]);
    expect(a.dataSync()[0]).toBe(1);
    a.dispose();
    expect(takeLendableBuffer(length)).toBe(first); // released: back in service
    expect(b.dataSync()[0]).toBe(2);
    b.dispose();
  });

  it('keeps a tensor data alive through a clone', () => {
    const length = 1239;
    const buffer = takeLendableBuffer(length);
    const t = lentTensor(buffer.fill(3), [length]);
    const c = tf.clone(t); // shares the data
    t.dispose();
    expect(takeLendableBuffer(length)).not.toBe(buffer);
    expect(c.dataSync()[0]).toBe(3);
    c.dispose();
  });
});
