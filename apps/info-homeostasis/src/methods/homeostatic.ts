import { exportBayesianNetwork, fisherTrustRegion, scalePosteriorStd, type Sequential } from '@cristal/bayesian';
import { adamStepper, fitClassifier, type StepOptimizer } from '@cristal/runner';
import { tf, type RandomStream, type RandomStreamState, type Tensor, type Tensor2D, type Variable } from '@cristal/tensor';
import { Homeostat } from '../control/homeostat';
import type { HomeostatConfig, SetPointConfig } from '../control/homeostat-config';
import type { HomeostatState } from '../control/homeostat-state';
import { median } from '../control/set-point';
import { parameterCount } from '../models/architecture';
import { sampledProbabilities } from '../models/forward';
import { namedVariables } from '../models/named-variables';
import { probeBatch, readInformationFlow } from '../sensors/information-flow';
import { layerWeightedElbo, variationalNetwork } from './bayes-by-backprop';
import { fitSettings } from './fit-settings';
import { meanFisherDiagonal } from './mean-fisher-diagonal';
import type { HomeostasisConfig } from './method-config';
import type { MethodRequest, Trajectories, TrainedModel } from './trained-model';

/** The homeostat of the config: one PI controller per layer and loop (see src/control/). */
export function homeostatFor(layers: string[], h: HomeostasisConfig): Homeostat {
  const setPoint = (fixed: number): SetPointConfig => (h.setPoint === 'fixed' ? { kind: 'fixed', value: fixed } : { kind: 'early', delayUpdates: h.setPointDelayUpdates, warmupUpdates: h.warmupUpdates, statistic: 'median' });
  const config: HomeostatConfig = {
    layers,
    updateEvery: h.updateEvery,
    // the KL loop controls ln(nats per parameter)
    kl: { enabled: h.klLoop, setPoint: setPoint(Math.log(h.klSetPoint)), antiWindup: h.antiWindup, ...h.kl },
    snr: { enabled: h.snrLoop, setPoint: setPoint(h.snrSetPointDb), antiWindup: h.antiWindup, ...h.snr },
  };
  return new Homeostat(config);
}

/**
 * Adam whose step on the posterior means is cut back, when needed, so that the predictive moves by
 * at most `maxKl` nats per example: 0.5 dmu^T F dmu <= maxKl with F the diagonal Fisher of the
 * posterior-mean network (K-FAC's kl_clip with a diagonal Fisher). The scales (rho) step freely.
 */
function fisherTrustRegionStepper(
  inner: StepOptimizer,
  means: Variable[],
  fisher: () => Record<string, Tensor> | null,
  maxKl: number,
  onStep: (region: { klBefore: number; scale: number }) => void,
): StepOptimizer {
  return {
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(value: number) {
      inner.learningRate = value;
    },
    step(loss) {
      const diagonal = fisher();
      if (!diagonal) return inner.step(loss);
      const before = means.map((v) => v.clone());
      try {
        const result = inner.step(loss);
        const step = tf.tidy(() => Object.fromEntries(means.map((v, i) => [v.name, tf.sub(v, before[i])])));
        const region = fisherTrustRegion(step, diagonal, maxKl);
        tf.dispose([...Object.values(step), ...Object.values(region.step)]);
        onStep(region);
        if (region.scale < 1) {
          means.forEach((v, i) => v.assign(tf.tidy(() => tf.add(before[i], tf.mul(tf.sub(v, before[i]), region.scale)))));
        }
        return result;
      } finally {
        tf.dispose(before);
      }
    },
    checkpoint: () => inner.checkpoint(),
    restore: (state) => inner.restore(state),
    dispose: () => inner.dispose(),
  };
}

/**
 * What the trust region did: every step's KL before clipping, to choose a delta that binds (a huge
 * delta logs it without ever clipping), and how often it clipped.
 */
interface TrustRegionLog {
  steps: number;
  clipped: number;
  /** Sum of ln(step KL) over the steps: their geometric mean, robust to the first steps' outliers. */
  sumLogKl: number;
  /** Since the last controller update. */
  recent: number[];
  recentClipped: number;
}

const emptyTrustRegionLog = (): TrustRegionLog => ({ steps: 0, clipped: 0, sumLogKl: 0, recent: [], recentClipped: 0 });

interface HomeostaticState extends Record<string, unknown> {
  homeostat: HomeostatState;
  sensors: RandomStreamState;
  updates: number;
  trajectories: Trajectories;
  trustRegion?: TrustRegionLog;
}

/**
 * Bayes-by-backprop under homeostatic regulation of information flow. Every `updateEvery` steps the
 * sensors read, per variational layer, the KL to the prior in nats per parameter, the SNR of the
 * pre-activations under weight noise (on a fixed probe batch) and, every `fisherEvery` updates, the
 * Fisher trace per parameter; the homeostat's PI loops turn them into per-layer KL weights and noise
 * temperatures used by the loss until the next update:
 *   loss = NLL + sum_l beta_l KL_l / N,  w_l = mu_l + T_l sigma_l eps.
 * Optionally a Fisher trust region bounds each step of the means. At the end the temperatures are
 * baked into the posterior scales (sigma_l := T_l sigma_l), so prediction and export use the
 * posterior the network was trained with.
 */
export async function trainHomeostatic(request: MethodRequest): Promise<TrainedModel> {
  const { config, data, random } = request;
  const h = config.homeostasis;
  const model: Sequential = variationalNetwork(request);
  const layers = model.variationalLayers();
  const names = layers.map((l) => l.name);
  const homeostat = homeostatFor(names, h);
  const probe = probeBatch(data.train, h.probeExamples);
  const sensorStream: RandomStream = random.sampling.fork('sensors');
  const noise = random.noise.fork('homeostatic');
  const evalRng = random.sampling.fork('evaluation');
  const rng = random.sampling.fork('predictive');
  const S = config.predictiveSamples;
  let trajectories: Trajectories = {};
  let updates = 0;
  let fisherDiagonal: Record<string, Tensor> | null = null;
  let trustLog = emptyTrustRegionLog();
  const onTrustRegionStep = ({ klBefore, scale }: { klBefore: number; scale: number }) => {
    trustLog.steps += 1;
    trustLog.sumLogKl += Math.log(Math.max(klBefore, 1e-30));
    trustLog.recent.push(klBefore);
    if (scale < 1) {
      trustLog.clipped += 1;
      trustLog.recentClipped += 1;
    }
  };
  const actuators = () => {
    const a = homeostat.actuators();
    return { klWeights: names.map((n) => a[n].klWeight), temperatures: names.map((n) => a[n].noiseTemperature) };
  };
  const record = (name: string, step: number, value: number) => (trajectories[name] ??= []).push([step, value]);

  const afterStep = (step: number): Record<string, number> | undefined => {
    if (!homeostat.isUpdateStep(step)) return undefined;
    const { temperatures } = actuators();
    const readFisher = h.fisherEvery > 0 && updates % h.fisherEvery === 0;
    const { kl, snrDb, fisherPerParameter } = readInformationFlow(model.layers, probe, sensorStream, {
      step,
      temperatures: Object.fromEntries(names.map((n, i) => [n, temperatures[i]])),
      fisher: readFisher,
    });
    if (h.trustRegion > 0) {
      if (fisherDiagonal) tf.dispose(Object.values(fisherDiagonal));
      fisherDiagonal = meanFisherDiagonal(model.layers, probe, sensorStream);
    }
    const update = homeostat.update(step, { kl, snrDb, fisherPerParameter });
    updates += 1;
    const metrics: Record<string, number> = {};
    for (const name of names) {
      const layerLog = update.log?.[name];
      const klSet = layerLog?.kl && 'setPoint' in layerLog.kl && layerLog.kl.setPoint !== null ? Math.exp(layerLog.kl.setPoint) : undefined;
      const snrSet = layerLog?.snr && 'setPoint' in layerLog.snr && layerLog.snr.setPoint !== null ? layerLog.snr.setPoint : undefined;
      const values: Record<string, number | undefined> = {
        kl: kl[name],
        kl_setpoint: klSet,
        snr_db: snrDb[name],
        snr_setpoint: snrSet,
        fisher: fisherPerParameter?.[name],
        kl_weight: update.actuators[name].klWeight,
        temperature: update.actuators[name].noiseTemperature,
      };
      for (const [quantity, value] of Object.entries(values)) {
        if (value === undefined) continue;
        record(`${quantity}/${name}`, step, value);
        metrics[`${quantity}/${name}`] = value;
      }
    }
    if (h.trustRegion > 0 && trustLog.recent.length > 0) {
      const stepKl = median(trustLog.recent);
      const clipped = trustLog.recentClipped / trustLog.recent.length;
      record('step_kl/all', step, stepKl);
      record('step_kl_setpoint/all', step, h.trustRegion);
      record('trust_region_clipped/all', step, clipped);
      metrics['step_kl_median'] = stepKl;
      metrics['trust_region_clipped'] = clipped;
      trustLog.recent = [];
      trustLog.recentClipped = 0;
    }
    return metrics;
  };

  const variables = namedVariables(model);
  const means = layers.flatMap((l) => (l.bias ? [l.weight.mu, l.bias.mu] : [l.weight.mu]));
  const settings = fitSettings(request, random.data.fork('homeostatic'));
  try {
    const fit = await fitClassifier(
      request.ctx,
      {
        variables,
        loss: (x, labels) => {
          const { klWeights, temperatures } = actuators();
          return layerWeightedElbo(model, x, labels, noise, data.train.count, klWeights, temperatures);
        },
        probabilities: (x) => tf.mean(sampledProbabilities(model, x, S, evalRng, actuators().temperatures), 0) as Tensor2D,
        afterStep,
        getState: (): HomeostaticState => ({ homeostat: homeostat.getState(), sensors: sensorStream.getState(), updates, trajectories, trustRegion: trustLog }),
        setState: (state) => {
          const s = state as HomeostaticState;
          homeostat.setState(s.homeostat);
          sensorStream.setState(s.sensors);
          updates = s.updates;
          trajectories = s.trajectories;
          trustLog = s.trustRegion ?? emptyTrustRegionLog();
        },
      },
      {
        ...settings,
        optimizer:
          h.trustRegion > 0
            ? (vars, learningRate) => fisherTrustRegionStepper(adamStepper(vars, learningRate, { gradientNorm: request.gradientNorm }), means, () => fisherDiagonal, h.trustRegion, onTrustRegionStep)
            : undefined,
      },
    );
    // bake the temperatures into the posterior: the exported ensemble samples what training used
    const final = homeostat.actuators();
    layers.forEach((layer) => scalePosteriorStd(layer, final[layer.name].noiseTemperature));
    const extras: Record<string, number> = {};
    for (const name of names) {
      extras[`kl_weight/${name}`] = final[name].klWeight;
      extras[`temperature/${name}`] = final[name].noiseTemperature;
    }
    if (trustLog.steps > 0) {
      extras['trust_region/clipped_fraction'] = trustLog.clipped / trustLog.steps;
      extras['trust_region/step_kl_geomean'] = Math.exp(trustLog.sumLogKl / trustLog.steps);
    }
    return {
      method: 'homeostatic',
      predictive: (x) => tf.tidy(() => tf.mean(sampledProbabilities(model, x, S, rng), 0) as Tensor2D),
      samples: (x) => sampledProbabilities(model, x, S, rng),
      exportOnnx: (metadata) => exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: config.exportSamples, seed: request.seed }, metadata }),
      parameterCount: parameterCount(model),
      fits: [fit],
      extras,
      trajectories,
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    probe.dispose();
    if (fisherDiagonal) tf.dispose(Object.values(fisherDiagonal as Record<string, Tensor>));
  }
}
