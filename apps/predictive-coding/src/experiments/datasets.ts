import { loadFashionMnist, loadMnistShiftProtocol, sliceImageSet, type ImageSet } from '@cristal/datasets';

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface DatasetSplits {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

/**
 * The splits every PC experiment trains and scores on. MNIST: the shift protocol of the
 * information-homeostasis app (train on the first 50,000 training images, validate on the last
 * 10,000, test on the 10,000 test images), so the two apps' numbers are comparable. Fashion-MNIST
 * the same way: the first 50,000 of its 60,000 training images, the last 10,000 for validation.
 * `trainExamples` > 0 keeps only the first that many training images.
 */
export function datasetSplits(name: DatasetName, trainExamples = 0): DatasetSplits {
  let splits: DatasetSplits;
  if (name === 'mnist') splits = loadMnistShiftProtocol();
  else if (name === 'fashion-mnist') {
    const fashion = loadFashionMnist();
    const trainCount = fashion.train.count - 10_000;
    splits = {
      train: sliceImageSet(fashion.train, 0, trainCount, 'fashion-mnist-protocol-train'),
      validation: sliceImageSet(fashion.train, trainCount, fashion.train.count, 'fashion-mnist-protocol-validation'),
      test: fashion.test,
    };
  } else throw new Error(`dataset must be one of ${DATASETS.join(', ')}, got "${String(name)}".`);
  if (trainExamples > 0 && trainExamples < splits.train.count) {
    splits = { ...splits, train: sliceImageSet(splits.train, 0, trainExamples, `${splits.train.name}[:${trainExamples}]`) };
  }
  return splits;
}
