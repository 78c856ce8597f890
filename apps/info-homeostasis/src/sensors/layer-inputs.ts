import type { Layer } from '@cristal/bayesian';
import { tf, type RandomStream, type Tensor } from '@cristal/tensor';

/**
 * The input of every layer in the deterministic pass through the posterior means (`mode: 'mean'`,
 * dropout off), so that the SNR sensor sees what each layer receives in that pass: `inputs[i]` is
 * what `layers[i]` takes (`inputs[0]` a copy of `x`), and `output` is what the last layer returns.
 *
 * Ownership: every returned tensor is new and belongs to the caller, who disposes all of them
 * (`disposeLayerInputs`); `x` stays the caller's own and is not disposed. The pass is run with
 * `kl: false`, so no layer draws from `rng` (a prior without closed-form KL would otherwise draw its
 * Monte-Carlo sample): sensing does not move the training noise stream.
 */
export function layerInputs(layers: readonly Layer[], x: Tensor, rng: RandomStream): { inputs: Tensor[]; output: Tensor } {
  if (layers.length === 0) throw new Error('layerInputs: no layers given; pass the model\'s `layers` (e.g. `model.layers` of a Sequential).');
  const inputs: Tensor[] = [x.clone()];
  try {
    for (let i = 0; i < layers.length; i++) {
      const { output, kl } = layers[i].call(inputs[i], rng, { mode: 'mean', kl: false });
      kl?.dispose();
      inputs.push(output);
    }
  } catch (error) {
    tf.dispose(inputs);
    throw error;
  }
  const output = inputs.pop() as Tensor;
  return { inputs, output };
}

/** Frees what `layerInputs` returned. */
export function disposeLayerInputs(result: { inputs: Tensor[]; output: Tensor }): void {
  tf.dispose([...result.inputs, result.output]);
}
