import type { VariationalLayer } from '@cristal/bayesian';
import { RandomStreams } from '@cristal/tensor';
import { variationalNetwork } from './bayes-by-backprop';
import { methodSchema } from './method-config';
import type { MethodRequest } from './trained-model';

function priorsOf(overrides: Record<string, unknown>): unknown[] {
  const config = methodSchema.parse({ hidden: [8], ...overrides });
  const request = { config, random: new RandomStreams(0) } as unknown as MethodRequest;
  const model = variationalNetwork(request);
  try {
    return model.layers.filter((l): l is VariationalLayer => 'prior' in l).map((l) => (l as unknown as { prior: unknown }).prior);
  } finally {
    model.dispose();
  }
}

describe('the variational network of a config', () => {
  it('puts N(0, priorStd^2) on every layer, or the scale mixture when priorMixture is set', () => {
    expect(priorsOf({ priorStd: 0.5 })).toEqual([
      { kind: 'gaussian', mean: 0, std: 0.5 },
      { kind: 'gaussian', mean: 0, std: 0.5 },
    ]);
    const mixture = { pi: 0.25, std1: 1, std2: 0.002 };
    expect(priorsOf({ priorMixture: mixture })).toEqual([
      { kind: 'scale-mixture', ...mixture },
      { kind: 'scale-mixture', ...mixture },
    ]);
  });
});
