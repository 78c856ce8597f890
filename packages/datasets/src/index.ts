// Public API of @cristal/datasets.
export { parseIdx } from './idx/parse-idx';
export { encodeIdx } from './idx/encode-idx';
export { readIdxFile, isGzip } from './idx/read-idx-file';
export { IDX_TYPE_CODES, type IdxDtype, type IdxTensor, type IdxData } from './idx/idx-types';

export {
  IMAGE_SIDE,
  IMAGE_PIXELS,
  NUM_CLASSES,
  createImageSet,
  sliceImageSet,
  imageAt,
  classCounts,
  withImages,
  type ImageSet,
} from './image-set/image-set';
export { imageSetFromIdx, type IdxImageSetSources } from './image-set/image-set-from-idx';

export { loadMnist, loadMnistShiftProtocol, MNIST_VALIDATION_SIZE, type MnistOptions, type MnistSplit, type MnistShiftProtocolSplit } from './mnist/load-mnist';
export { MNIST_FILES, embeddedMnistDir, resolveMnistDir, type MnistLocation, type MnistOrigin } from './mnist/mnist-files';

export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_IMAGES_PER_CLASS, fashionMnistPackageDir, readFashionMnistClasses, parseFashionMnistClass } from './fashion-mnist/fashion-mnist-json';
export {
  FASHION_MNIST_SPLIT_SEED,
  FASHION_MNIST_SPLIT_STREAM,
  FASHION_MNIST_TRAIN_PER_CLASS,
  FASHION_MNIST_TEST_PER_CLASS,
  splitFashionMnist,
  validateFashionMnistSplit,
  type FashionMnistSplit,
} from './fashion-mnist/fashion-mnist-split';
export { readFashionMnistCache, writeFashionMnistCache, FASHION_MNIST_CACHE_FILES } from './fashion-mnist/fashion-mnist-cache';
export {
  loadFashionMnist,
  loadFashionMnistSplit,
  defaultFashionMnistCacheDir,
  type FashionMnistOptions,
  type FashionMnistLoad,
  type FashionMnistOrigin,
} from './fashion-mnist/load-fashion-mnist';

export { rotate, rotationTaps, applyTaps, exactCosSin, type RotationTaps } from './shift/rotate';
export { translate, translateImages } from './shift/translate';
export { gaussianNoise } from './shift/gaussian-noise';
export {
  ROTATION_ANGLES,
  NOISE_STDS,
  TRANSLATION_PIXELS,
  SHIFTED_MNIST_NOISE_SEED,
  noiseStreamFor,
  ShiftedTestSets,
  shiftedMnistTest,
} from './shift/shifted-mnist';

export { createPatternSet, patternAt, patternsToFloat32, overlap, meanPairwiseOverlap, type PatternSet } from './patterns/pattern-set';
export { randomPatterns, type RandomPatternOptions } from './patterns/random-patterns';
export { binarizeImages, type BinarizeOptions } from './patterns/binarize';
export { flipBits, maskRandom, maskRegion, bottomHalf, type PatternRegion, type RectangleRegion, type SliceRegion } from './patterns/corrupt';

export { BatchIterator, disposeBatch, type Batch, type BatchIteratorOptions, type LabelEncoding } from './batches/batch-iterator';
export { epochOrder, examplesPerEpoch, batchesPerEpoch, type BatchPosition } from './batches/batch-plan';
