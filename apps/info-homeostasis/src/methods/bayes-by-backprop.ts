import { categoricalNll, exportBayesianNetwork, gaussianPrior, linearKlWarmup, constantKlWeight, scaleMixturePrior, type KlSchedule, type Prior, type Sequential } from '@cristal/bayesian';
import { fitClassifier, plannedSteps } from '@cristal/runner';
import { tf, type RandomStream, type RandomStreamState, type Scalar, type Tensor, type Tensor2D } from '@cristal/tensor';
import { buildNetwork, parameterCount } from '../models/architecture';
import { sampledProbabilities, sampleLayerwise } from '../models/forward';
import { namedVariables } from '../models/named-variables';
import { probeBatch, readInformationFlow } from '../sensors/information-flow';
import { fitSettings } from './fit-settings';
import type { MethodRequest, Trajectories, TrainedModel } from './trained-model';

/** N(0, priorStd^2), or the scale mixture when the config gives one. */
function priorOf(config: MethodRequest['config']): Prior {
  return config.priorMixture ? scaleMixturePrior(config.priorMixture) : gaussianPrior({ std: config.priorStd });
}

/** The variational network of the config (local reparameterisation, Flipout convolutions). */
export function variationalNetwork(request: MethodRequest): Sequential {
  const { config, random } = request;
  return buildNetwork({ name: config.architecture, hidden: config.hidden }, { kind: 'variational', prior: priorOf(config), rhoInit: config.rhoInit }, random.init.fork('variational'));
}

/**
 * The negative ELBO per training example with a KL weight per layer:
 *   loss = (1/B) sum_b -log p(y_b | x_b, w) + sum_l beta_l KL_l / N
 * (Blundell et al. 2015 with the KL spread over the N/B batches; beta_l = 1 is the ELBO).
 */
export function layerWeightedElbo(model: Sequential, x: Tensor2D, labels: Tensor, rng: RandomStream, datasetSize: number, klWeights: readonly number[], noiseScales?: readonly number[]): Scalar {
  const out = sampleLayerwise(model, x, rng, noiseScales);
  const nll = tf.mean(categoricalNll(out.logits, labels));
  const kl = out.kl.map((k, l) => tf.mul(k, klWeights[l] / datasetSize));
  return tf.add(nll, tf.addN(kl)) as Scalar;
}

/** Bayes-by-backprop with local reparameterisation; `warmup` ramps the KL weight from 0 to 1 (Sonderby et al. 2016). */
export async function trainBayesByBackprop(request: MethodRequest, warmup: boolean): Promise<TrainedModel> {
  const { config, data, random } = request;
  const model = variationalNetwork(request);
  const layers = model.variationalLayers().length;
  const total = plannedSteps(data.train, { epochs: config.epochs, batchSize: config.batchSize, maxSteps: config.maxSteps > 0 ? config.maxSteps : undefined });
  const schedule: KlSchedule = warmup ? linearKlWarmup({ warmupSteps: Math.max(1, Math.round(config.klWarmupFraction * total)) }) : constantKlWeight(1);
  const noise = random.noise.fork('bbb');
  const rng = random.sampling.fork('predictive');
  const evalRng = random.sampling.fork('evaluation');
  const S = config.predictiveSamples;
  const sensing = request.sense ? informationFlowLog(request, model) : null;
  let fit;
  try {
    fit = await fitClassifier(
      request.ctx,
      {
        variables: namedVariables(model),
        loss: (x, labels, step) => layerWeightedElbo(model, x, labels, noise, data.train.count, new Array(layers).fill(schedule.weight(step - 1))),
        probabilities: (x) => tf.mean(sampledProbabilities(model, x, S, evalRng), 0) as Tensor2D,
        ...(sensing ? { afterStep: sensing.afterStep, getState: sensing.getState, setState: sensing.setState } : {}),
      },
      fitSettings(request, random.data.fork('bbb')),
    );
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    sensing?.dispose();
  }
  return {
    method: warmup ? 'bbb-warmup' : 'bbb',
    predictive: (x) => tf.tidy(() => tf.mean(sampledProbabilities(model, x, S, rng), 0) as Tensor2D),
    samples: (x) => sampledProbabilities(model, x, S, rng),
    exportOnnx: (metadata) => exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: config.exportSamples, seed: request.seed }, metadata }),
    parameterCount: parameterCount(model),
    fits: [fit],
    extras: {},
    ...(sensing ? { trajectories: sensing.trajectories() } : {}),
    dispose: () => model.dispose(),
  };
}

/**
 * The homeostat's sensors without its controller: every `homeostasis.updateEvery` steps, each
 * layer's KL per parameter and SNR, and every `fisherEvery` readings its Fisher trace, on the same
 * probe batch, from a stream of their own (so sensing leaves the training bit for bit unchanged).
 */
function informationFlowLog(request: MethodRequest, model: Sequential) {
  const h = request.config.homeostasis;
  const probe = probeBatch(request.data.train, h.probeExamples);
  const stream = request.random.sampling.fork('sensors');
  let trajectories: Trajectories = {};
  let readings = 0;
  return {
    afterStep: (step: number): Record<string, number> | undefined => {
      if (step % h.updateEvery !== 0) return undefined;
      const fisher = h.fisherEvery > 0 && readings % h.fisherEvery === 0;
      const reading = readInformationFlow(model.layers, probe, stream, { step, fisher });
      readings += 1;
      const metrics: Record<string, number> = {};
      for (const [quantity, values] of Object.entries({ kl: reading.kl, snr_db: reading.snrDb, fisher: reading.fisherPerParameter ?? {} })) {
        for (const [layer, value] of Object.entries(values)) {
          (trajectories[`${quantity}/${layer}`] ??= []).push([step, value]);
          metrics[`${quantity}/${layer}`] = value;
        }
      }
      return metrics;
    },
    getState: (): Record<string, unknown> => ({ sensors: stream.getState(), readings, trajectories }),
    setState: (state: Record<string, unknown>) => {
      stream.setState(state['sensors'] as RandomStreamState);
      readings = state['readings'] as number;
      trajectories = state['trajectories'] as Trajectories;
    },
    trajectories: () => trajectories,
    dispose: () => probe.dispose(),
  };
}
