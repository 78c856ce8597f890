import * as path from 'node:path';
import { name } from '../package.json';

describe('@cristal/metrics wiring', () => {
  it('resolves by its package name to the public API in src/index.ts', () => {
    expect(require.resolve(name)).toBe(path.join(__dirname, 'index.ts'));
  });
});
