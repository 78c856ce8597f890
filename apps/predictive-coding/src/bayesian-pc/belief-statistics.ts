import type { Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from '../pc/architecture';
import { fixedPredictionErrors, predictionErrors } from '../pc/energy';
import { hiddenActivation } from '../pc/feedforward';
import type { PcParams } from '../pc/params';
import type { PcOptions } from '../pc/pc-options';
import { tidy } from '../pc/tidy';
import type { BeliefStatistics } from './weight-beliefs';

/**
 * f(x_l) and eps_{l+1} at a converged state `nodes` (the relaxed value nodes, or a Langevin chain's
 * sample mean) under the mean weights, the same quantities PC's local weight rule uses: under fixed
 * predictions the feedforward f(x̄_l) and x_{l+1} - x̄_{l+1}; for a categorical output the last error
 * is y - softmax(mu_L). New tensors.
 */
export function beliefStatistics(means: PcParams, architecture: PcArchitecture, nodes: readonly Tensor2D[], feedforward: readonly Tensor2D[], pc: PcOptions): BeliefStatistics {
  const L = weightLayerCount(architecture);
  return tidy(() => {
    const fixed = pc.predictions === 'fixed';
    const source = fixed ? feedforward : nodes;
    const presynaptic = Array.from({ length: L }, (_, l) => (l === 0 ? source[0] : hiddenActivation(architecture.activation, source[l])));
    const errors = fixed ? fixedPredictionErrors(nodes, feedforward, pc.output) : predictionErrors(means, architecture, nodes, pc.output);
    return { presynaptic, errors, output: nodes[L] };
  });
}
