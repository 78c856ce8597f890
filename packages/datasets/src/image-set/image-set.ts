/** MNIST and Fashion-MNIST images are 28 x 28 pixels. */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** Both datasets have ten classes, labelled 0..9. */
export const NUM_CLASSES = 10;

/**
 * A labelled set of 28x28 grey-level images. Loaders cache and share these objects (and subsets are
 * views into the same memory), so treat the arrays as read-only: every transform in this package
 * returns a new set instead of writing into one.
 */
export interface ImageSet {
  /** `count * 784` pixels, image after image, each row-major (row 0 at the top), values 0..255. */
  readonly images: Uint8Array;
  /** One class 0..9 per image. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: typeof IMAGE_SIDE;
  readonly width: typeof IMAGE_SIDE;
  /** For run records and error messages, e.g. `mnist-test` or `mnist-test-rot45`. */
  readonly name: string;
}

/** Builds an ImageSet after checking that sizes agree and labels are classes. */
export function createImageSet(name: string, images: Uint8Array, labels: Uint8Array): ImageSet {
  if (images.length !== labels.length * IMAGE_PIXELS) {
    throw new Error(
      `Image set ${name}: ${labels.length} labels need ${labels.length * IMAGE_PIXELS} pixels (${IMAGE_SIDE}x${IMAGE_SIDE} each), got ${images.length}.`,
    );
  }
  const bad = labels.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) throw new Error(`Image set ${name}: label ${labels[bad]} at index ${bad} is not a class 0..${NUM_CLASSES - 1}.`);
  return { images, labels, count: labels.length, height: IMAGE_SIDE, width: IMAGE_SIDE, name };
}

/** Images start..end-1 as a view (no copy) into the same memory. */
export function sliceImageSet(set: ImageSet, start: number, end: number, name: string): ImageSet {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > set.count || start > end) {
    throw new Error(`sliceImageSet(${set.name}, ${start}, ${end}): expected integers 0 <= start <= end <= ${set.count}.`);
  }
  return {
    images: set.images.subarray(start * IMAGE_PIXELS, end * IMAGE_PIXELS),
    labels: set.labels.subarray(start, end),
    count: end - start,
    height: IMAGE_SIDE,
    width: IMAGE_SIDE,
    name,
  };
}

/** The pixels of image `index` as a view. */
export function imageAt(set: ImageSet, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new Error(`imageAt(${set.name}, ${index}): expected an integer index in 0..${set.count - 1}.`);
  }
  return set.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
}

/** How many images of each class 0..9. */
export function classCounts(set: Pick<ImageSet, 'labels'>): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const label of set.labels) counts[label]++;
  return counts;
}

/** A copy of the set with new pixels and the same labels: what every pixel transform returns. */
export function withImages(set: ImageSet, images: Uint8Array, name: string): ImageSet {
  if (images.length !== set.count * IMAGE_PIXELS) {
    throw new Error(`withImages(${set.name}): expected ${set.count * IMAGE_PIXELS} pixels, got ${images.length}.`);
  }
  return { images, labels: set.labels.slice(), count: set.count, height: IMAGE_SIDE, width: IMAGE_SIDE, name };
}
