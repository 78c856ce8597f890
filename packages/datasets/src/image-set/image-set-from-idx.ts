import type { IdxTensor } from '../idx/idx-types';
import { createImageSet, IMAGE_SIDE, NUM_CLASSES, type ImageSet } from './image-set';

export interface IdxImageSetSources {
  /** Names the images file in errors. */
  images: string;
  /** Names the labels file in errors. */
  labels: string;
}

/**
 * Checks an (images, labels) pair of IDX tensors against the MNIST layout, uint8 images [N, 28, 28]
 * and uint8 labels [N] in 0..9, and wraps them as an ImageSet without copying.
 */
export function imageSetFromIdx(name: string, images: IdxTensor, labels: IdxTensor, sources: IdxImageSetSources): ImageSet {
  if (images.dtype !== 'uint8') {
    throw new Error(`${sources.images}: expected uint8 images (IDX type 0x08), found ${images.dtype}.`);
  }
  if (images.dims.length !== 3 || images.dims[1] !== IMAGE_SIDE || images.dims[2] !== IMAGE_SIDE) {
    throw new Error(`${sources.images}: expected images of shape [N, ${IMAGE_SIDE}, ${IMAGE_SIDE}], found [${images.dims.join(', ')}].`);
  }
  if (labels.dtype !== 'uint8') {
    throw new Error(`${sources.labels}: expected uint8 labels (IDX type 0x08), found ${labels.dtype}.`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${sources.labels}: expected labels of shape [N], found [${labels.dims.join(', ')}].`);
  }
  const imageCount = images.dims[0];
  const labelCount = labels.dims[0];
  if (imageCount !== labelCount) {
    throw new Error(
      `${sources.images} has ${imageCount} images but ${sources.labels} has ${labelCount} labels; expected one label per image.`,
    );
  }
  const bad = labels.data.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) {
    throw new Error(`${sources.labels}: label ${labels.data[bad]} at index ${bad} is not a class 0..${NUM_CLASSES - 1}.`);
  }
  return createImageSet(name, images.data, labels.data);
}
