import { tf, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, type OnnxClassifierOptions } from '../runtime/onnx-classifier';
import { INPUT_SIZE, NUM_CLASSES } from '../signature/classifier-signature';

export interface ParityTolerance {
  atol: number;
  rtol: number;
}

/** The tolerance every exporter is held to: |onnx - tfjs| <= atol + rtol * |tfjs| element-wise. */
export const DEFAULT_PARITY_TOLERANCE: ParityTolerance = { atol: 1e-5, rtol: 1e-4 };

export interface ParityReport {
  pass: boolean;
  maxAbsDiff: number;
  /** max |a - b| / |b| over elements with b != 0. */
  maxRelDiff: number;
  /** Elements outside atol + rtol * |tfjs|. */
  violations: number;
  tolerance: ParityTolerance;
  tfjs: { shape: number[]; dtype: string };
  onnx: { shape: number[]; dtype: string };
  /** Why it failed, when it did. */
  reason?: string;
}

/**
 * Runs the same inputs through the TF.js model and the exported file and compares the probabilities.
 * Shapes and dtypes must be equal too: a model that silently produces float64 or drops a row is not
 * at parity however close the numbers are.
 */
export async function verifyParity(
  tfjsPredict: (pixels: Tensor) => Tensor,
  onnxPath: string,
  inputs: Tensor | Float32Array,
  options: { tolerance?: ParityTolerance; classifier?: OnnxClassifierOptions } = {},
): Promise<ParityReport> {
  const tolerance = options.tolerance ?? DEFAULT_PARITY_TOLERANCE;
  const pixels = inputs instanceof Float32Array ? inputs : (inputs.dataSync() as Float32Array);
  const n = pixels.length / INPUT_SIZE;
  if (!Number.isInteger(n)) throw new Error(`verifyParity: ${pixels.length} input values is not a multiple of ${INPUT_SIZE}`);
  const reference = tf.tidy(() => tfjsPredict(inputs instanceof Float32Array ? tf.tensor2d(inputs, [n, INPUT_SIZE]) : inputs));
  const expected = { shape: reference.shape, dtype: reference.dtype as string, data: reference.dataSync() as Float32Array };
  reference.dispose();
  const classifier = await OnnxClassifier.load(onnxPath, options.classifier);
  let actual: Float32Array;
  try {
    actual = await classifier.predict(pixels, n);
  } finally {
    await classifier.dispose();
  }
  const onnx = { shape: [n, NUM_CLASSES], dtype: 'float32' };
  const base = { tolerance, tfjs: { shape: expected.shape, dtype: expected.dtype }, onnx };
  if (expected.shape.join() !== onnx.shape.join() || expected.dtype !== onnx.dtype) {
    return { ...base, pass: false, maxAbsDiff: NaN, maxRelDiff: NaN, violations: NaN, reason: `TF.js gives ${expected.dtype} [${expected.shape.join(', ')}], ONNX ${onnx.dtype} [${onnx.shape.join(', ')}]` };
  }
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let violations = 0;
  for (let i = 0; i < actual.length; i++) {
    const b = expected.data[i];
    const d = Math.abs(actual[i] - b);
    // NaN must count as a difference, and `d > x` is false for NaN
    if (!(d <= tolerance.atol + tolerance.rtol * Math.abs(b))) violations++;
    if (!(d <= maxAbsDiff)) maxAbsDiff = d;
    if (b !== 0 && !(d / Math.abs(b) <= maxRelDiff)) maxRelDiff = d / Math.abs(b);
  }
  const pass = violations === 0;
  return { ...base, pass, maxAbsDiff, maxRelDiff, violations, ...(pass ? {} : { reason: `${violations} of ${actual.length} values outside atol ${tolerance.atol} + rtol ${tolerance.rtol}` }) };
}
