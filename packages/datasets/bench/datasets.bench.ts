// Speed of @cristal/datasets on this machine; prints one JSON object.
//   npx nx run datasets:bench     (runs the TypeScript sources through tools/ts/register.cjs)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { backendInfo, RandomStream } from '@cristal/tensor';
import * as datasets from '../src/index';

const BATCH_SIZE = 128;

function timed<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: round(performance.now() - start), result };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function main() {
  const mnistCold = timed(() => datasets.loadMnist());
  const { train, test } = mnistCold.result;
  const mnistCached = timed(() => datasets.loadMnist());

  const rotate45 = timed(() => datasets.rotate(test, 45));
  const allRotations = timed(() => datasets.ROTATION_ANGLES.map((degrees) => datasets.rotate(test, degrees)));
  const noise32 = timed(() => datasets.gaussianNoise(test, 32, datasets.noiseStreamFor(32)));

  // The cold load always goes through a fresh cache directory, so it measures the JSON path even
  // when the default cache already exists; the second load reads the cache just written.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cristal-datasets-bench-'));
  let fashionFromJson: ReturnType<typeof timed<ReturnType<typeof datasets.loadFashionMnistSplit>>>;
  let fashionFromCache: typeof fashionFromJson;
  try {
    fashionFromJson = timed(() => datasets.loadFashionMnistSplit({ cacheDir: path.join(scratch, 'cache') }));
    fashionFromCache = timed(() => datasets.loadFashionMnistSplit({ cacheDir: path.join(scratch, 'cache') }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const fashionDefault = timed(() => datasets.loadFashionMnistSplit());

  const iterator = new datasets.BatchIterator(train, { batchSize: BATCH_SIZE, stream: new RandomStream(1, 'bench/data') });
  let batches = 0;
  const epoch = timed(() => iterator.forEachBatch(() => batches++));

  const cpus = os.cpus();
  const report = {
    benchmark: '@cristal/datasets',
    mnistColdLoadMs: mnistCold.ms,
    mnistCachedLoadMs: mnistCached.ms,
    rotate45TestSetMs: rotate45.ms,
    rotateAll13AnglesTestSetMs: allRotations.ms,
    gaussianNoise32TestSetMs: noise32.ms,
    fashionMnistFromJsonMs: fashionFromJson.ms,
    fashionMnistFromJsonOrigin: fashionFromJson.result.from,
    fashionMnistFromCacheMs: fashionFromCache.ms,
    fashionMnistFromCacheOrigin: fashionFromCache.result.from,
    fashionMnistDefaultCacheLoad: { ms: fashionDefault.ms, from: fashionDefault.result.from, dir: fashionDefault.result.cacheDir },
    iterator: {
      set: train.name,
      images: train.count,
      batchSize: BATCH_SIZE,
      batches,
      epochMs: epoch.ms,
      batchesPerSecond: Math.round((batches / epoch.ms) * 1000 * 10) / 10,
      imagesPerSecond: Math.round((train.count / epoch.ms) * 1000),
    },
    backend: backendInfo(),
    node: process.version,
    cpu: { model: cpus[0] ? cpus[0].model : 'unknown', count: cpus.length },
  };
  console.log(JSON.stringify(report, null, 2));
}

main();
