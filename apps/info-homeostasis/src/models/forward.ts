import { isVariational, type Sequential } from '@cristal/bayesian';
import { softmax, tf, type RandomStream, type Scalar, type Tensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';

export interface LayerwiseOutput {
  logits: Tensor2D;
  /** KL(q || p) of each variational layer, in layer order (nats). */
  kl: Scalar[];
}

/**
 * One sampling pass with a noise temperature per variational layer (`noiseScales[l]`, 1 = the
 * posterior itself) and the KL of each variational layer kept apart, so the loss can weight them
 * one by one. Called inside the optimiser's tape.
 */
export function sampleLayerwise(model: Sequential, x: Tensor, rng: RandomStream, noiseScales?: readonly number[]): LayerwiseOutput {
  let h = x;
  const kl: Scalar[] = [];
  let v = 0;
  for (const layer of model.layers) {
    const variational = isVariational(layer);
    const noiseScale = variational && noiseScales ? noiseScales[v] : 1;
    const out = layer.call(h, rng, { mode: 'sample', noiseScale });
    h = out.output;
    if (variational) {
      if (!out.kl) throw new Error(`layer ${layer.name} returned no KL`);
      kl.push(out.kl);
      v += 1;
    }
  }
  return { logits: h as Tensor2D, kl };
}

/** softmax(f(x; w_s)) for S posterior (or dropout) samples: [S, B, 10]. */
export function sampledProbabilities(model: Sequential, x: Tensor, samples: number, rng: RandomStream, noiseScales?: readonly number[]): Tensor3D {
  return tf.tidy(() => {
    const perSample: Tensor[] = [];
    for (let s = 0; s < samples; s++) {
      let h = x;
      let v = 0;
      for (const layer of model.layers) {
        const variational = isVariational(layer);
        const noiseScale = variational && noiseScales ? noiseScales[v++] : 1;
        h = layer.call(h, rng, { mode: 'sample', kl: false, noiseScale }).output;
      }
      perSample.push(softmax(h));
    }
    return tf.stack(perSample) as Tensor3D;
  });
}

/** softmax of the deterministic pass (posterior means, dropout off): [1, B, 10]. */
export function meanProbabilities(model: Sequential, x: Tensor, rng: RandomStream): Tensor3D {
  return tf.tidy(() => tf.expandDims(softmax(model.call(x, rng, { mode: 'mean', kl: false }).output), 0) as Tensor3D);
}
