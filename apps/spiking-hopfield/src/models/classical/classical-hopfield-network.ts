import type { RandomStream, Tensor } from '@cristal/tensor';
import { retrieveAsynchronous, type AsynchronousOptions, type AsynchronousRetrieval } from './asynchronous';
import { classicalEnergy } from './classical-energy';
import { hebbianWeights } from './hebbian-weights';
import { retrieveSynchronous, synchronousStep, type SynchronousRetrieval } from './synchronous';

/**
 * A classical binary Hopfield network: Hebbian weights of the stored bipolar patterns plus the pure
 * functions of this folder bound to them. Owns its weight matrix (`dispose()` frees it).
 */
export class ClassicalHopfieldNetwork {
  /** W [d, d], symmetric with a zero diagonal. */
  readonly weights: Tensor;
  readonly dimension: number;
  readonly patternCount: number;

  private constructor(weights: Tensor, patternCount: number) {
    this.weights = weights;
    this.dimension = weights.shape[0];
    this.patternCount = patternCount;
  }

  /** Stores bipolar patterns [N, d] with the Hebbian rule. */
  static store(patterns: Tensor): ClassicalHopfieldNetwork {
    return new ClassicalHopfieldNetwork(hebbianWeights(patterns), patterns.shape[0]);
  }

  /** Load N/d, whose critical value for retrieval is about 0.138 (Amit, Gutfreund and Sompolinsky 1985). */
  get load(): number {
    return this.patternCount / this.dimension;
  }

  energy(states: Tensor): Tensor {
    return classicalEnergy(this.weights, states);
  }

  synchronousStep(states: Tensor): Tensor {
    return synchronousStep(this.weights, states);
  }

  retrieveSynchronous(states: Tensor, options: { maxSteps?: number } = {}): SynchronousRetrieval {
    return retrieveSynchronous(this.weights, states, options);
  }

  retrieveAsynchronous(states: Tensor, stream: RandomStream, options: AsynchronousOptions = {}): AsynchronousRetrieval {
    return retrieveAsynchronous(this.weights, states, stream, options);
  }

  dispose(): void {
    this.weights.dispose();
  }
}
