import { isVariational, type Conv2dGeometry, type Layer, type VariationalLayer } from '@cristal/bayesian';
import { assertShape, tf, type RandomStream, type Tensor, type Tensor4D } from '@cristal/tensor';
import { assertUniqueLayerNames } from './layer-names';
import { disposeLayerInputs, layerInputs } from './layer-inputs';

/** The power ratio of a layer's pre-activations under weight noise, and its two parts. */
export interface PreActivationSnr {
  /** sum m^2 / sum v over batch and units (a power ratio, not in dB). */
  snr: number;
  /** 10 log10(snr). */
  snrDb: number;
  /** Mean signal power per pre-activation, sum m^2 / count. */
  signalPower: number;
  /** Mean noise power per pre-activation, sum v / count. */
  noisePower: number;
}

/**
 * Signal-to-noise ratio of a variational layer's pre-activations under its weight noise, for inputs
 * `input` ([B, in] for a dense layer, NHWC for a convolution). With W ~ N(mu, sigma^2) independent
 * and the noise scaled by `noiseScale` (the layer's noise temperature T, w = mu + T sigma eps), each
 * pre-activation is Gaussian with
 *
 *   dense: m = x mu_W + mu_b,          v = T^2 (x^2 sigma_W^2 + sigma_b^2)
 *   conv:  m = conv(x, mu_K) + mu_b,   v = T^2 (conv(x^2, sigma_K^2) + sigma_b^2)
 *
 * (x^2 and sigma^2 elementwise, sigma = softplus(rho)), whatever the estimator (reparameterisation,
 * local reparameterisation and Flipout share these marginals), and
 *
 *   SNR = sum_{b,j} m_bj^2 / sum_{b,j} v_bj,   SNR_dB = 10 log10 SNR.
 *
 * A ratio of total powers rather than the mean of per-unit ratios m^2 / v: where a unit's variance
 * is tiny (an input pixel that is always 0 leaves only sigma_b^2, a dead unit), its ratio explodes
 * and dominates the mean, so the mean of ratios would report the quietest unit rather than the
 * layer. The power ratio weighs each unit by its noise power, is finite whenever any noise is
 * present, and scales exactly as T^-2 (-20 log10 T dB), which the homeostat relies on. m^2 is the
 * raw signal power (it includes the mean over the batch), as in a communication channel.
 */
export function preActivationSnr(layer: VariationalLayer, input: Tensor, noiseScale = 1): PreActivationSnr {
  if (!(noiseScale > 0) || !Number.isFinite(noiseScale)) {
    throw new Error(`preActivationSnr(${layer.name}): noiseScale must be a positive finite number (the noise temperature), got ${noiseScale}.`);
  }
  if (!(input.shape[0] > 0)) throw new Error(`preActivationSnr(${layer.name}): the input batch is empty; pass at least one example.`);
  let n = 0;
  const sums = tf.tidy(() => {
    const { mean, variance } = preActivationMoments(layer, input);
    n = mean.size;
    return tf.stack([tf.sum(tf.square(mean)), tf.mul(tf.sum(variance), noiseScale * noiseScale)]);
  });
  const [signalSum, noiseSum] = sums.dataSync();
  sums.dispose();
  // NaN passes through (diverged weights): the homeostat reports it, naming the loop and the layer
  if (noiseSum === 0) {
    throw new Error(
      `preActivationSnr(${layer.name}): no weight noise reaches the pre-activations (noise power ${noiseSum}); ` +
        'this happens for an all-zero input to a layer without bias: measure on real inputs.',
    );
  }
  const snr = signalSum / noiseSum;
  return { snr, snrDb: 10 * Math.log10(snr), signalPower: signalSum / n, noisePower: noiseSum / n };
}

/** Mean and variance (at noise scale 1) of every pre-activation of the layer for `input`. */
export function preActivationMoments(layer: VariationalLayer, input: Tensor): { mean: Tensor; variance: Tensor } {
  const shape = layer.weight.mu.shape;
  const rank = shape.length;
  const geometry = convGeometryOf(layer);
  if (rank === 2) {
    assertShape(input, [null, shape[0]], `preActivationSnr(${layer.name}) input`);
  } else if (rank === 4 && geometry) {
    assertShape(input, [null, null, null, shape[2]], `preActivationSnr(${layer.name}) input (NHWC)`);
  } else {
    throw new Error(
      `preActivationSnr(${layer.name}): weights of rank ${rank}${rank === 4 ? ' without a convolution geometry' : ''}; ` +
        'supported layers are the dense variational layers (weights [in, out]) and Conv2dReparam / Conv2dFlipout.',
    );
  }
  return tf.tidy(() => {
    const linear = (x: Tensor, w: Tensor): Tensor => (geometry ? tf.conv2d(x as Tensor4D, w as Tensor4D, geometry.strides, geometry.padding) : tf.matMul(x, w));
    const weightVariance = tf.square(tf.softplus(layer.weight.rho));
    let mean = linear(input, layer.weight.mu);
    let variance = linear(tf.square(input), weightVariance);
    if (layer.bias) {
      mean = tf.add(mean, layer.bias.mu);
      variance = tf.add(variance, tf.square(tf.softplus(layer.bias.rho)));
    }
    return { mean, variance };
  });
}

function convGeometryOf(layer: VariationalLayer): Conv2dGeometry | null {
  const g = (layer as { geometry?: Conv2dGeometry }).geometry;
  return g && Array.isArray(g.strides) && (g.padding === 'same' || g.padding === 'valid') ? g : null;
}

/**
 * `preActivationSnr` of every variational layer of a model, each for the input it receives in the
 * deterministic pass (`layerInputs`), keyed by layer name. `noiseScale` is one temperature for all
 * layers or one per layer name (missing names: 1).
 */
export function preActivationSnrByLayer(
  layers: readonly Layer[],
  x: Tensor,
  rng: RandomStream,
  noiseScale: number | Readonly<Record<string, number>> = 1,
): Record<string, PreActivationSnr> {
  assertUniqueLayerNames(layers.filter(isVariational), 'preActivationSnrByLayer');
  if (typeof noiseScale === 'object') {
    const names = new Set(layers.filter(isVariational).map((l) => l.name));
    const unknown = Object.keys(noiseScale).filter((k) => !names.has(k));
    if (unknown.length > 0) {
      throw new Error(`preActivationSnrByLayer: noise scales given for ${unknown.join(', ')}, which are not variational layers of the model (these are: ${[...names].join(', ')}).`);
    }
  }
  const passed = layerInputs(layers, x, rng);
  try {
    const result: Record<string, PreActivationSnr> = {};
    layers.forEach((layer, i) => {
      if (!isVariational(layer)) return;
      const scale = typeof noiseScale === 'number' ? noiseScale : (noiseScale[layer.name] ?? 1);
      result[layer.name] = preActivationSnr(layer, passed.inputs[i], scale);
    });
    return result;
  } finally {
    disposeLayerInputs(passed);
  }
}
