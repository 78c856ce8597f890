import type { ImageSet } from '@cristal/datasets';

/** A finite, indexable set of labelled samples that a stream draws from (rows are samples). */
export interface LabelledSource {
  readonly name: string;
  readonly size: number;
  /** Features per sample. */
  readonly features: number;
  /** Classes 0..classes-1. */
  readonly classes: number;
  /** Samples start..start+count-1 (0 <= start, start + count <= size): features row-major and labels, new arrays. */
  rows(start: number, count: number): { features: Float32Array; labels: Int32Array };
}

function checkRange(source: Pick<LabelledSource, 'name' | 'size'>, start: number, count: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > source.size) {
    throw new Error(`${source.name}: rows(${start}, ${count}) is outside the ${source.size} samples; ask for integers with 0 <= start and start + count <= ${source.size}.`);
  }
}

/** An MNIST-style image set as a source: pixels / 255 in [0, 1], 784 features, 10 classes. */
export function imageSetSource(set: ImageSet, classes = 10): LabelledSource {
  const features = set.height * set.width;
  const source = {
    name: set.name,
    size: set.count,
    features,
    classes,
    rows(start: number, count: number) {
      checkRange(source, start, count);
      const pixels = set.images.subarray(start * features, (start + count) * features);
      const out = new Float32Array(pixels.length);
      for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
      return { features: out, labels: Int32Array.from(set.labels.subarray(start, start + count)) };
    },
  };
  return source;
}

/** Samples held in plain arrays: `features` is size x featureCount, row-major. */
export function arraySource(name: string, features: Float32Array, labels: ArrayLike<number>, featureCount: number, classes: number): LabelledSource {
  if (!Number.isInteger(featureCount) || featureCount < 1 || features.length !== labels.length * featureCount) {
    throw new Error(`arraySource(${name}): ${labels.length} labels need ${labels.length * featureCount} features (${featureCount} per sample), got ${features.length}.`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes) throw new Error(`arraySource(${name}): label ${labels[i]} at index ${i} is not a class in 0..${classes - 1}.`);
  }
  const source = {
    name,
    size: labels.length,
    features: featureCount,
    classes,
    rows(start: number, count: number) {
      checkRange(source, start, count);
      return { features: features.slice(start * featureCount, (start + count) * featureCount), labels: Int32Array.from(Array.prototype.slice.call(labels, start, start + count) as number[]) };
    },
  };
  return source;
}
