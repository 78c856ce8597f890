import { categoricalNll, exportModelEnsemble, Ivon, type IvonPosterior, type IvonState, type Sequential } from '@cristal/bayesian';
import { fitClassifier, type OptimizerCheckpoint, type StepOptimizer } from '@cristal/runner';
import { RandomStream, tf, type RawTensor, type Scalar, type Tensor2D, type Tensor3D, type Variable } from '@cristal/tensor';
import { buildNetwork, parameterCount, type ArchitectureConfig } from '../models/architecture';
import { meanProbabilities } from '../models/forward';
import { namedVariables } from '../models/named-variables';
import { fitSettings } from './fit-settings';
import type { MethodRequest, TrainedModel } from './trained-model';

/** IVON behind fitClassifier's optimiser interface; its float64 buffers go into the checkpoint under the model's variable names. */
export function ivonStepper(ivon: Ivon, variables: Readonly<Record<string, Variable>>): StepOptimizer {
  const keyOf = new Map(Object.entries(variables).map(([key, v]) => [v.name, key]));
  return {
    get learningRate() {
      return ivon.learningRate;
    },
    set learningRate(value: number) {
      ivon.learningRate = value;
    },
    step: (loss) => ({ loss: ivon.step(loss) }),
    checkpoint(): OptimizerCheckpoint {
      const state = ivon.getState();
      const tensors: Record<string, RawTensor> = {};
      for (const [name, buffers] of Object.entries(state.params)) {
        const key = keyOf.get(name) as string;
        for (const part of ['mean', 'hess', 'momentum'] as const) tensors[`${key}/${part}`] = { dtype: 'F64', shape: [buffers[part].length], data: buffers[part] };
      }
      return { tensors, json: { kind: 'ivon', step: state.step, random: state.random } };
    },
    restore(saved) {
      if (saved.json['kind'] !== 'ivon') throw new Error('ivonStepper: the checkpoint holds no IVON state (was it written by another optimiser?).');
      const params: IvonState['params'] = {};
      for (const [key, variable] of Object.entries(variables)) {
        const part = (p: string) => {
          const raw = saved.tensors[`${key}/${p}`];
          if (!raw) throw new Error(`ivonStepper: the checkpoint has no ${p} buffer for "${key}".`);
          return Float64Array.from(raw.data as ArrayLike<number>);
        };
        params[variable.name] = { mean: part('mean'), hess: part('hess'), momentum: part('momentum') };
      }
      ivon.setState({ step: saved.json['step'] as number, params, random: saved.json['random'] as IvonState['random'] });
    },
    dispose: () => undefined,
  };
}

/** K point networks with weights drawn from IVON's posterior, from a stream seeded by `seed`. */
function posteriorSampleNetworks(architecture: ArchitectureConfig, model: Sequential, posterior: Record<string, IvonPosterior>, samples: number, seed: number): Sequential[] {
  const stream = new RandomStream(seed, 'ivon-export');
  const source = model.variables();
  const members: Sequential[] = [];
  for (let k = 0; k < samples; k++) {
    const member = buildNetwork(architecture, { kind: 'point', dropout: 0 }, new RandomStream(seed, `ivon-member-${k}`));
    member.variables().forEach((v, i) => {
      const { mean, std } = posterior[source[i].name];
      const eps = stream.fillNormal(new Float64Array(mean.length));
      const w = Float32Array.from(mean, (m, j) => m + std[j] * eps[j]);
      const t = tf.tensor(w, v.shape);
      v.assign(t);
      t.dispose();
    });
    members.push(member);
  }
  return members;
}

/**
 * IVON (Shen et al. 2024): natural-gradient variational learning of a mean-field Gaussian over the
 * weights of the point network, at Adam's cost; ess = N training examples. The predictive averages
 * S posterior samples; the export is a K-sample ensemble of posterior draws.
 */
export async function trainIvon(request: MethodRequest): Promise<TrainedModel> {
  const { config, data, random } = request;
  const architecture = { name: config.architecture, hidden: config.hidden };
  const model = buildNetwork(architecture, { kind: 'point', dropout: 0 }, random.init.fork('ivon'));
  const variables = namedVariables(model);
  let ivon: Ivon | null = null;
  const noise = random.noise.fork('ivon');
  const evalRng = random.sampling.fork('evaluation');
  const settings = fitSettings(request, random.data.fork('ivon'));
  const fit = await fitClassifier(
    request.ctx,
    {
      variables,
      loss: (x, labels) => tf.mean(categoricalNll(model.call(x, noise, { mode: 'mean', kl: false }).output, labels)) as Scalar,
      // the posterior mean during training; the reported metrics come from the sampled predictive below
      probabilities: (x) => tf.squeeze(meanProbabilities(model, x, evalRng), [0]) as Tensor2D,
    },
    {
      ...settings,
      learningRate: config.ivon.learningRate,
      optimizer: (vars, learningRate) => {
        ivon = new Ivon(Object.values(vars), {
          learningRate,
          ess: data.train.count,
          random: noise.fork('ivon-weights'),
          hessInit: config.ivon.hessInit,
          weightDecay: config.ivon.weightDecay,
          mcSamples: config.ivon.mcSamples,
        });
        return ivonStepper(ivon, vars);
      },
    },
  );
  const posterior = (ivon as unknown as Ivon).posterior();
  // S posterior draws made once, so every evaluation averages the same S networks (as the export does)
  const draws = posteriorSampleNetworks(architecture, model, posterior, config.predictiveSamples, request.seed + 1);
  const samples = (x: Tensor2D): Tensor3D => tf.tidy(() => tf.concat(draws.map((d) => meanProbabilities(d, x, evalRng)), 0) as Tensor3D);
  return {
    method: 'ivon',
    predictive: (x) => tf.tidy(() => tf.mean(samples(x), 0) as Tensor2D),
    samples,
    exportOnnx: (metadata) => {
      const members = posteriorSampleNetworks(architecture, model, posterior, config.exportSamples, request.seed);
      try {
        return exportModelEnsemble(members, { posterior: { kind: 'mean' }, metadata });
      } finally {
        members.forEach((m) => m.dispose());
      }
    },
    parameterCount: parameterCount(model),
    fits: [fit],
    extras: {},
    dispose: () => [model, ...draws].forEach((m) => m.dispose()),
  };
}
