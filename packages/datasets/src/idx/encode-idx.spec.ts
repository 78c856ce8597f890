import { encodeIdx } from './encode-idx';
import type { IdxTensor } from './idx-types';

describe('encodeIdx', () => {
  it('writes the magic number, big-endian dims and big-endian values', () => {
    const bytes = encodeIdx({ dtype: 'int16', dims: [1, 2], data: Int16Array.from([1, -1]) });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0xff, 0xff]);
  });

  it('writes the standard MNIST label header (magic 2049 = 0x00000801)', () => {
    const bytes = encodeIdx({ dtype: 'uint8', dims: [3], data: Uint8Array.from([7, 2, 1]) });
    expect(new DataView(bytes.buffer).getUint32(0, false)).toBe(2049);
    expect(bytes.length).toBe(8 + 3);
  });

  it('refuses data whose length does not match the dims', () => {
    expect(() => encodeIdx({ dtype: 'uint8', dims: [2, 2], data: new Uint8Array(3) }, 'labels')).toThrow(
      'labels: dims [2, 2] hold 4 values but the data has 3.',
    );
  });

  it('refuses data of the wrong array type for its dtype', () => {
    const wrong = { dtype: 'int32', dims: [1], data: new Float32Array(1) } as unknown as IdxTensor;
    expect(() => encodeIdx(wrong, 'ids')).toThrow('ids: dtype int32 needs its data as a Int32Array, got Float32Array.');
  });

  it('refuses dims that are not uint32', () => {
    expect(() => encodeIdx({ dtype: 'uint8', dims: [-1], data: new Uint8Array(0) }, 'neg')).toThrow(/neg: dims \[-1\] must be integers/);
  });
});
