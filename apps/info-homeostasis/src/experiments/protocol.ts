import { loadMnistShiftProtocol, sliceImageSet } from '@cristal/datasets';
import type { MethodData } from '../methods/trained-model';

/**
 * The dataset-shift protocol (Ovadia et al. 2019) on MNIST: train on the first 50,000 training images
 * (or the first `trainExamples` of them), validate on the last 10,000, test on the 10,000 test images.
 */
export function shiftProtocolData(trainExamples: number): MethodData {
  const data = loadMnistShiftProtocol();
  const train = trainExamples > 0 && trainExamples < data.train.count ? sliceImageSet(data.train, 0, trainExamples, `${data.train.name}[:${trainExamples}]`) : data.train;
  return { train, validation: data.validation, test: data.test };
}

/** Rotations of the shift benchmark: 0 to 180 degrees in 15-degree steps. */
export const ROTATIONS = Array.from({ length: 13 }, (_, i) => i * 15);
