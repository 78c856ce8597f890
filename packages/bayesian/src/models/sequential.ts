import { tf, type RandomStream, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { isVariational, type CallOptions, type Layer, type VariationalLayer } from '../layers/layer';

export interface ModelOutput {
  /** The last layer's output (logits for a classifier). */
  output: Tensor;
  /** KL(q || p) summed over every variational layer, in nats (0 for a model without any). */
  kl: Scalar;
}

/** What the predictive sampler, the ELBO helpers and the ensemble need from a model. */
export interface Model {
  call(x: Tensor, rng: RandomStream, options?: CallOptions): ModelOutput;
  variables(): Variable[];
  dispose(): void;
}

/**
 * Layers applied in order, each drawing its noise from the same stream in call order, so a pass is
 * reproducible from the stream's state. The KLs of the variational layers are summed.
 */
export class Sequential implements Model {
  readonly layers: Layer[];

  constructor(layers: Layer[]) {
    if (layers.length === 0) throw new Error('Sequential needs at least one layer.');
    this.layers = layers;
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): ModelOutput {
    return tf.tidy(() => {
      let h = x;
      const kls: Scalar[] = [];
      for (const layer of this.layers) {
        const r = layer.call(h, rng, options);
        h = r.output;
        if (r.kl) kls.push(r.kl);
      }
      const kl = (kls.length === 0 ? tf.scalar(0) : kls.length === 1 ? kls[0] : tf.addN(kls)) as Scalar;
      return { output: h, kl };
    });
  }

  variationalLayers(): VariationalLayer[] {
    return this.layers.filter(isVariational);
  }

  variables(): Variable[] {
    return this.layers.flatMap((l) => l.variables());
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
