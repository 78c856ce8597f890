import { tf } from '@cristal/tensor';
import type { VariationalLayer } from '../layers/layer';
import type { MeanFieldPosterior } from './mean-field';
import { inverseSoftplus, softplus } from './softplus';

function checkFactor(layer: VariationalLayer, factor: number): void {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
    throw new Error(
      `scalePosteriorStd(${layer.name}): factor must be a finite number > 0 (the new sigma is factor * sigma), got ${String(factor)}; ` +
        "a factor of 0 is the posterior mean: export with posterior { kind: 'mean' } instead.",
    );
  }
}

/** rho := softplus^-1(factor * softplus(rho)), in float64 per element, written back as float32. */
function scaleOne(p: MeanFieldPosterior, factor: number): void {
  const rho = p.rho.dataSync();
  const scaled = new Float32Array(rho.length);
  // float64 and the log1p / expm1 forms of softplus and its inverse: sigma = e^rho for very negative rho
  // (a posterior that has collapsed to 1e-8) stays exact, where log(e^sigma - 1) in float32 gives -inf
  for (let i = 0; i < rho.length; i++) scaled[i] = inverseSoftplus(factor * softplus(rho[i]));
  tf.tidy(() => p.rho.assign(tf.tensor(scaled, p.rho.shape, 'float32')));
}

/**
 * Multiplies every posterior standard deviation of `layer` (weight and bias) by `factor`:
 * rho := softplus^-1(factor * softplus(rho)), the means untouched. A model trained (or evaluated)
 * with a posterior noise temperature `noiseScale` samples N(mu, (noiseScale sigma)^2); scaling its
 * posterior by the same factor bakes that temperature in, so the exported or sampled posterior is
 * the one the model actually used. Modifies the layer's variables in place.
 */
export function scalePosteriorStd(layer: VariationalLayer, factor: number): void {
  checkFactor(layer, factor);
  scaleOne(layer.weight, factor);
  if (layer.bias) scaleOne(layer.bias, factor);
}
