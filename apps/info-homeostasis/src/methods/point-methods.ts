import { categoricalNll, exportBayesianNetwork, type Sequential } from '@cristal/bayesian';
import { fitTemperature } from '@cristal/metrics';
import { fitClassifier, type FitResult } from '@cristal/runner';
import { tf, type Scalar, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { evaluateClassifierLogits } from '../evaluation/logits';
import { buildNetwork, parameterCount } from '../models/architecture';
import { namedVariables } from '../models/named-variables';
import { meanProbabilities, sampledProbabilities } from '../models/forward';
import { fitSettings } from './fit-settings';
import type { MethodRequest, TrainedModel } from './trained-model';

/** A point network trained by Adam on the mean cross-entropy (dropout on in training when rate > 0). */
export async function trainPointNetwork(request: MethodRequest, dropout: number, memberName = 'point'): Promise<{ model: Sequential; fit: FitResult }> {
  const { random, config } = request;
  const model = buildNetwork({ name: config.architecture, hidden: config.hidden }, { kind: 'point', dropout }, random.init.fork(memberName));
  const noise = random.noise.fork(memberName);
  const probe = random.sampling.fork(`${memberName}/eval`);
  const fit = await fitClassifier(
    request.ctx,
    {
      variables: namedVariables(model),
      loss: (x, labels) => tf.mean(categoricalNll(model.call(x, noise, { mode: 'sample', kl: false }).output, labels)) as Scalar,
      probabilities: (x) => tf.squeeze(meanProbabilities(model, x, probe), [0]) as Tensor2D,
    },
    fitSettings(request, random.data.fork(memberName)),
  );
  return { model, fit };
}

/** The deterministic network: the common baseline. */
export async function trainDeterministic(request: MethodRequest): Promise<TrainedModel> {
  const { model, fit } = await trainPointNetwork(request, 0);
  const rng = request.random.sampling.fork('predictive');
  return {
    method: 'deterministic',
    predictive: (x) => tf.tidy(() => tf.squeeze(meanProbabilities(model, x, rng), [0]) as Tensor2D),
    samples: (x) => meanProbabilities(model, x, rng),
    exportOnnx: (metadata) => exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata }),
    parameterCount: parameterCount(model),
    fits: [fit],
    extras: {},
    dispose: () => model.dispose(),
  };
}

/**
 * Temperature scaling (Guo et al. 2017): the deterministic network with its logits divided by the
 * temperature T that minimises the NLL of the validation set (never the test set).
 */
export async function trainTemperatureScaled(request: MethodRequest): Promise<TrainedModel> {
  const { model, fit } = await trainPointNetwork(request, 0);
  const rng = request.random.sampling.fork('predictive');
  const logitsOf = (x: Tensor2D) => model.call(x, rng, { mode: 'mean', kl: false }).output as Tensor2D;
  const validation = evaluateClassifierLogits(logitsOf, request.data.validation);
  const { temperature } = fitTemperature(validation.logits, validation.labels);
  const probabilities = (x: Tensor2D) => tf.tidy(() => tf.softmax(tf.div(logitsOf(x), temperature)) as Tensor2D);
  return {
    method: 'temperature-scaling',
    predictive: probabilities,
    samples: (x) => tf.tidy(() => tf.expandDims(probabilities(x), 0) as Tensor3D),
    exportOnnx: (metadata) => exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata, temperature }),
    parameterCount: parameterCount(model),
    fits: [fit],
    extras: { temperature },
    dispose: () => model.dispose(),
  };
}

/** MC dropout (Gal and Ghahramani 2016): dropout on at prediction, S masks averaged; exported as K masks folded into the weights. */
export async function trainMcDropout(request: MethodRequest): Promise<TrainedModel> {
  const { config } = request;
  const { model, fit } = await trainPointNetwork(request, config.dropoutRate);
  const rng = request.random.sampling.fork('predictive');
  return {
    method: 'mc-dropout',
    predictive: (x) => tf.tidy(() => tf.mean(sampledProbabilities(model, x, config.predictiveSamples, rng), 0) as Tensor2D),
    samples: (x) => sampledProbabilities(model, x, config.predictiveSamples, rng),
    exportOnnx: (metadata) => exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: config.exportSamples, seed: request.seed }, metadata }),
    parameterCount: parameterCount(model),
    fits: [fit],
    extras: {},
    dispose: () => model.dispose(),
  };
}
