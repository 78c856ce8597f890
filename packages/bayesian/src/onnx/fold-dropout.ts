import { tf, type Tensor } from '@cristal/tensor';
import type { LoweredNetwork, NetworkStep, PointNetwork } from './network-steps';

/** Steps a mask passes through unchanged on its way to a dense layer: reshapes of the same values, and other masks. */
const TRANSPARENT = new Set<NetworkStep<unknown>['kind']>(['flatten', 'image', 'dropout']);

/**
 * A sampled dropout mask is a fixed diagonal scaling of the features, which only a dense layer can
 * absorb (rows W_i scaled by m_i / (1 - rate)); a reshape (Flatten, ToImage) or another dropout may
 * sit in between. Refuses, naming the layer, a dropout with no dense layer after it or with
 * something else in between: a convolution (a mask per pixel and channel is not a kernel), pooling
 * or an activation.
 */
export function checkDropoutFoldable(lowered: LoweredNetwork, label: string): void {
  lowered.steps.forEach((step, i) => {
    if (step.kind !== 'dropout' || step.rate === 0) return;
    const next = lowered.steps.slice(i + 1).find((s) => !TRANSPARENT.has(s.kind));
    const how = "export it with posterior { kind: 'mean' } (dropout off), or move the dropout before a dense layer";
    if (!next) throw new Error(`${label}: ${step.origin} is the last layer, so there is no dense layer to fold its sampled masks into; ${how}.`);
    if (next.kind === 'dense') return;
    const what = next.kind === 'conv' ? 'a convolution, which cannot absorb a mask per pixel and channel' : next.kind === 'maxPool' ? 'max pooling' : `an activation`;
    throw new Error(`${label}: ${step.origin} is followed by ${what} (${next.origin}); its sampled masks fold only into a dense layer right after it (a Flatten may sit in between); ${how}.`);
  });
}

/**
 * The same network with every dropout mask folded into the dense layer after it: dropout before a
 * dense layer with mask m and rate r is that layer with rows W_i scaled by m_i / (1 - r), since
 * (x * m / (1 - r)) W = x (diag(m / (1 - r)) W). Consecutive masks multiply; identity dropouts
 * (no mask) just drop out. Folded weights are new tensors; every other tensor is shared with
 * `network` (free both with one `disposePointNetworks([network, folded])`).
 */
export function foldDropoutMasks(network: PointNetwork): PointNetwork {
  const steps: NetworkStep<Tensor>[] = [];
  let pending: { keep: Tensor; scale: number }[] = [];
  for (const step of network.steps) {
    if (step.kind === 'dropout') {
      if (step.keep) pending.push({ keep: step.keep, scale: 1 / (1 - step.rate) });
      continue;
    }
    if (pending.length > 0 && step.kind === 'dense') {
      const masks = pending;
      const weight = tf.tidy(() => {
        const rows = masks.map((m) => tf.mul(m.keep, m.scale)).reduce((a, b) => tf.mul(a, b));
        return tf.mul(step.weight, tf.reshape(rows, [-1, 1]));
      });
      steps.push({ ...step, weight });
      pending = [];
    } else if (pending.length > 0 && !TRANSPARENT.has(step.kind)) {
      throw new Error(`foldDropoutMasks: a dropout mask cannot be folded into ${step.origin}, only into a dense layer after the dropout (checkDropoutFoldable says why).`);
    } else {
      steps.push(step);
    }
  }
  if (pending.length > 0) throw new Error('foldDropoutMasks: the network ends in a sampled dropout, which has no dense layer to fold into.');
  return { steps };
}
