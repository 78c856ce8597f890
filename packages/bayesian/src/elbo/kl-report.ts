import type { RandomStream } from '@cristal/tensor';
import type { VariationalLayer } from '../layers/layer';

export interface LayerKl {
  layer: string;
  /** KL(q || p) of the layer in nats (a Monte-Carlo estimate for priors without a closed form). */
  nats: number;
  /** Weights plus biases of the layer. */
  parameters: number;
  natsPerParameter: number;
}

export interface KlReport {
  layers: LayerKl[];
  total: Omit<LayerKl, 'layer'>;
}

/**
 * The KL of each variational layer in nats and in nats per parameter (a parameter is one weight or
 * bias, whatever the number of variational variables per weight): the per-parameter figure compares
 * layers of different sizes and shows which layer's posterior moved furthest from the prior. A sync
 * point (reads the values); compute it outside the training step.
 */
export function klReport(layers: VariationalLayer[], rng?: RandomStream): KlReport {
  const rows = layers.map((layer) => {
    const t = layer.kl(rng);
    const nats = t.dataSync()[0];
    t.dispose();
    return { layer: layer.name, nats, parameters: layer.parameterCount, natsPerParameter: nats / layer.parameterCount };
  });
  const nats = rows.reduce((s, r) => s + r.nats, 0);
  const parameters = rows.reduce((s, r) => s + r.parameters, 0);
  return { layers: rows, total: { nats, parameters, natsPerParameter: parameters > 0 ? nats / parameters : 0 } };
}
