import type { Tensor } from '@cristal/tensor';
import { assertBeta } from './check-settings';
import { checkPatternsAndStates } from './check-modern';
import { modernEnergy } from './modern-energy';
import { modernRetrieve, modernUpdate, type ModernRetrieval } from './modern-update';

/**
 * A modern continuous Hopfield network: stored patterns X [N, d] and an inverse temperature beta,
 * bound to the pure functions `modernEnergy`, `modernUpdate`, `modernRetrieve`. Does not own the
 * patterns (the caller disposes them).
 */
export class ModernHopfieldNetwork {
  readonly dimension: number;
  readonly patternCount: number;

  constructor(
    readonly patterns: Tensor,
    readonly beta: number,
  ) {
    if (patterns.rank !== 2 || patterns.shape[0] === 0) {
      throw new Error(`ModernHopfieldNetwork: patterns must be a non-empty [N, d] matrix, got shape [${patterns.shape.join(', ')}].`);
    }
    assertBeta(beta, 'ModernHopfieldNetwork');
    this.patternCount = patterns.shape[0];
    this.dimension = patterns.shape[1] as number;
  }

  energy(states: Tensor): Tensor {
    return modernEnergy(this.patterns, states, this.beta);
  }

  update(states: Tensor): ModernRetrieval {
    return modernUpdate(this.patterns, states, this.beta);
  }

  retrieve(states: Tensor, steps = 1): ModernRetrieval {
    checkPatternsAndStates(this.patterns, states, 'ModernHopfieldNetwork.retrieve');
    return modernRetrieve(this.patterns, states, this.beta, steps);
  }
}
