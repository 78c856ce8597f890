import { exportModelEnsemble, type Sequential } from '@cristal/bayesian';
import type { FitResult } from '@cristal/runner';
import { tf, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { parameterCount } from '../models/architecture';
import { meanProbabilities } from '../models/forward';
import { trainPointNetwork } from './point-methods';
import type { MethodRequest, TrainedModel } from './trained-model';

/**
 * Deep ensemble (Lakshminarayanan et al. 2017): K networks from independent initialisations and data
 * orders, trained one after the other; the predictive is the mean of their softmax outputs.
 * Member k's streams depend on k only (`member-k`), so member k is the same whatever K is.
 */
export async function trainDeepEnsemble(request: MethodRequest): Promise<TrainedModel> {
  const members: Sequential[] = [];
  const fits: FitResult[] = [];
  try {
    for (let k = 0; k < request.config.ensembleSize; k++) {
      request.ctx.log.info(`deep ensemble: member ${k + 1} of ${request.config.ensembleSize}`);
      const { model, fit } = await trainPointNetwork({ ...request, resumable: false }, 0, `member-${k}`);
      members.push(model);
      fits.push(fit);
    }
  } catch (error) {
    members.forEach((m) => m.dispose());
    throw error;
  }
  const rng = request.random.sampling.fork('predictive');
  const samples = (x: Tensor2D) => tf.tidy(() => tf.concat(members.map((m) => meanProbabilities(m, x, rng)), 0) as Tensor3D);
  return {
    method: 'deep-ensemble',
    predictive: (x) => tf.tidy(() => tf.mean(samples(x), 0) as Tensor2D),
    samples,
    exportOnnx: (metadata) => exportModelEnsemble(members, { posterior: { kind: 'mean' }, metadata }),
    parameterCount: members.reduce((s, m) => s + parameterCount(m), 0),
    fits,
    extras: {},
    dispose: () => members.forEach((m) => m.dispose()),
  };
}
