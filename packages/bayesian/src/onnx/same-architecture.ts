import type { LoweredParameter } from './lowered-mlp';
import type { LoweredNetwork, NetworkStep } from './network-steps';

const shape = (p: LoweredParameter) => `[${p.mu.shape.join(', ')}]`;

/** What two members must agree on at one step for their networks to stack: kind, shapes, geometry, activation, rate. */
export function stepSignature(step: NetworkStep<LoweredParameter>): string {
  switch (step.kind) {
    case 'image':
      return `ToImage to ${step.height} x ${step.width} x ${step.channels}`;
    case 'conv':
      return `a convolution with kernel ${shape(step.weight)}, ${step.bias ? 'with' : 'without'} bias, strides [${step.strides.join(', ')}], pads [${step.pads.join(', ')}]`;
    case 'dense':
      return `a dense layer ${shape(step.weight)} ${step.bias ? 'with' : 'without'} bias`;
    case 'maxPool':
      return `max pooling ${step.size} x ${step.size}`;
    case 'flatten':
      return `a Flatten of ${step.height} x ${step.width} x ${step.channels} images`;
    case 'activation':
      return `activation ${step.activation}`;
    case 'dropout':
      return `dropout at rate ${step.rate}`;
  }
}

/**
 * Refuses members whose networks cannot be stacked, naming the first step where a member differs
 * from member 0. Estimators may differ (a point member beside variational ones): the exported
 * networks are concrete weights either way.
 */
export function checkSameArchitecture(members: readonly LoweredNetwork[], label: string): void {
  const reference = members[0].steps;
  members.forEach((member, m) => {
    const n = Math.max(reference.length, member.steps.length);
    for (let i = 0; i < n; i++) {
      const a = reference[i];
      const b = member.steps[i];
      const sa = a ? stepSignature(a) : null;
      const sb = b ? stepSignature(b) : null;
      if (sa === sb) continue;
      const at = (s: NetworkStep<LoweredParameter> | undefined, sig: string | null) => (s && sig ? `${sig} (${s.origin})` : 'nothing (its network has ended)');
      throw new Error(
        `${label}: member ${m} does not have member 0's architecture; at export step ${i + 1} member 0 has ${at(a, sa)} and member ${m} has ${at(b, sb)}. ` +
          'Every member needs the same layers, shapes, activations and dropout rates.',
      );
    }
  });
}
