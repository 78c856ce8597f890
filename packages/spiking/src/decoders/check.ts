import type { Tensor } from '@cristal/tensor';

export function checkSequence(x: Tensor, name: string): void {
  if (x.rank < 2) throw new Error(`${name} must be [T, B, ...], got shape [${x.shape.join(', ')}].`);
}
