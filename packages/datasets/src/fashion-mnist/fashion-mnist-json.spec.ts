import * as fs from 'node:fs';
import { fashionMnistClassFile, fashionMnistPackageDir, parseFashionMnistClass } from './fashion-mnist-json';

const row = (value: number): number[] => new Array<number>(784).fill(value);

describe('parseFashionMnistClass', () => {
  it('keeps 784-pixel rows in order and skips rows of any other length', () => {
    const parsed = parseFashionMnistClass(JSON.stringify({ data: [row(1), [], row(2), [5, 6], row(255)] }), 'c.json');
    expect(parsed.count).toBe(3);
    expect(parsed.skippedRows).toEqual([1, 3]);
    expect([parsed.images[0], parsed.images[784], parsed.images[2 * 784 + 783]]).toEqual([1, 2, 255]);
    expect(parsed.images.length).toBe(3 * 784);
  });

  it('rejects pixel values outside 0..255 instead of clamping them, naming the file, row and pixel', () => {
    const bad = row(0);
    bad[17] = 256;
    expect(() => parseFashionMnistClass(JSON.stringify({ data: [row(0), bad] }), 'c.json')).toThrow(
      'c.json: row 1, pixel 17 is 256; expected an integer 0..255.',
    );
    bad[17] = 1.5;
    expect(() => parseFashionMnistClass(JSON.stringify({ data: [bad] }), 'c.json')).toThrow('c.json: row 0, pixel 17 is 1.5');
  });

  it('rejects JSON without a data array and invalid JSON', () => {
    expect(() => parseFashionMnistClass('{"images": []}', 'x.json')).toThrow('x.json: expected an object with a "data" array of images');
    expect(() => parseFashionMnistClass('{"data": [', 'y.json')).toThrow(/^y\.json: not valid JSON/);
  });

  it('finds exactly the two empty rows of the package\'s class 0 file, at rows 1000 and 7001', () => {
    const file = fashionMnistClassFile(fashionMnistPackageDir(), 0);
    const parsed = parseFashionMnistClass(fs.readFileSync(file, 'utf8'), file);
    expect(parsed.skippedRows).toEqual([1000, 7001]);
    expect(parsed.count).toBe(7000);
  });
});
