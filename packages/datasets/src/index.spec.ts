import * as path from 'node:path';
import { name } from '../package.json';
import * as datasets from './index';

describe('@cristal/datasets wiring', () => {
  it('resolves by its package name to the public API in src/index.ts', () => {
    expect(require.resolve(name)).toBe(path.join(__dirname, 'index.ts'));
  });

  it('exports the loaders, transforms, pattern sets and the batch iterator', () => {
    for (const exported of ['loadMnist', 'loadMnistShiftProtocol', 'loadFashionMnist', 'rotate', 'shiftedMnistTest', 'randomPatterns', 'flipBits', 'BatchIterator', 'parseIdx']) {
      expect(typeof (datasets as Record<string, unknown>)[exported]).toBe('function');
    }
  });
});
