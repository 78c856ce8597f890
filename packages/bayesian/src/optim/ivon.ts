import { tf, type RandomStream, type RandomStreamState, type Scalar, type Variable } from '@cristal/tensor';
import { gaussianTrustRegion, trustRegionScale } from '../info-geometry/trust-region';
import { ivonStd, ivonUpdate, type IvonBuffers } from './ivon-update';

export interface IvonTrustRegion {
  /** Cap on the KL of one step (nats). */
  maxKl: number;
  /**
   * 'posterior' (default): the exact KL(q_new || q_old) between successive mean-field posteriors,
   * counting the variance change; the whole step (mean and precision) is scaled.
   * 'fisher': K-FAC's kl_clip with IVON's curvature as the diagonal Fisher,
   * 0.5 sum (h + delta) dm^2, a KL per example; only the mean step is scaled.
   * Either way the momentum keeps its full update, as K-FAC's statistics do.
   */
  metric?: 'posterior' | 'fisher';
}

export interface IvonOptions {
  /** alpha; rescaled by (hessInit + weightDecay) unless `rescaleLearningRate` is false. */
  learningRate: number;
  /** lambda, the effective sample size: usually the number of training examples. */
  ess: number;
  /** The seeded stream the weight noise comes from (e.g. `streams.sampling.fork('ivon')`). */
  random: RandomStream;
  /** Gradient momentum (default 0.9). */
  beta1?: number;
  /** Curvature momentum (default 0.99999, the paper's). */
  beta2?: number;
  /** delta > 0: prior N(0, 1 / (ess delta)) (default 1e-4). */
  weightDecay?: number;
  /** Weight samples, hence gradient evaluations, per step (default 1). */
  mcSamples?: number;
  /** h0 > 0 (default 1). */
  hessInit?: number;
  /** xi: elementwise bound on the preconditioned step (default Infinity: no clipping). */
  clipRadius?: number;
  /** Multiply the learning rate by h0 + delta so that the first step is an SGD step (default true, as the authors' code). */
  rescaleLearningRate?: boolean;
  /** Divide the momentum by 1 - beta1^t (default true). */
  debias?: boolean;
  trustRegion?: IvonTrustRegion;
}

export interface IvonState {
  step: number;
  params: Record<string, IvonBuffers>;
  random: RandomStreamState;
}

export interface IvonPosterior {
  shape: number[];
  mean: Float64Array;
  std: Float64Array;
}

export interface IvonStepInfo {
  /** Mean loss over the MC samples. */
  loss: number;
  /** Fraction of the proposed step taken (1 without a trust region or when it did not bind). */
  scale: number;
  /** KL of the step taken, in the trust region's metric (NaN without a trust region). */
  kl: number;
}

interface Param {
  variable: Variable;
  buffers: IvonBuffers;
  /** Per-step work arrays, kept to spare the garbage collector a few arrays per parameter per step. */
  scratch: { std: Float64Array; gradient: Float64Array; hessEstimate: Float64Array; noise: Float64Array };
  /** The variable's dataId after our last assign: another value means someone assigned it. */
  assignedDataId: object | null;
}

/**
 * IVON, Improved Variational Online Newton (Shen et al. 2024, "Variational learning is effective
 * for large deep networks", ICML; Algorithm 1): natural-gradient variational learning of a
 * mean-field Gaussian posterior q(theta) = N(m, diag(sigma^2)) at the cost of Adam. It targets
 *
 *   min_q  E_q[ lambda lbar(theta) ] + KL(q || N(0, 1 / (lambda delta)))
 *
 * with lbar the mean loss over a minibatch (the mean negative log-likelihood per example, without
 * any prior or weight-decay term), lambda = ess and delta = weightDecay. Each step draws
 * theta = m + sigma eps, sigma = 1 / sqrt(lambda (h + delta)), takes the gradient g_hat there
 * (`tf.variableGrads`), estimates the curvature by the reparameterisation trick,
 * h_hat = g_hat eps / sigma (Price's theorem: E[h_hat] = E_q[diag Hessian]), averages both over
 * `mcSamples` draws and applies `ivonUpdate`.
 *
 * Between steps the variables hold the posterior mean m (float32 of the float64 master copy), so
 * evaluating the model uses the mean; `withSampledWeights` evaluates at a posterior sample.
 * Assigning a variable from outside is picked up as a new mean at the next step.
 */
export class Ivon {
  learningRate: number;
  readonly ess: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
  readonly mcSamples: number;
  readonly hessInit: number;
  readonly clipRadius: number;
  readonly rescaleLearningRate: boolean;
  readonly debias: boolean;
  readonly trustRegion: Required<IvonTrustRegion> | null;
  private readonly random: RandomStream;
  private readonly params: Param[];
  private t = 0;

  constructor(variables: Variable[], options: IvonOptions) {
    const {
      learningRate,
      ess,
      random,
      beta1 = 0.9,
      beta2 = 0.99999,
      weightDecay = 1e-4,
      mcSamples = 1,
      hessInit = 1,
      clipRadius = Infinity,
      rescaleLearningRate = true,
      debias = true,
      trustRegion,
    } = options;
    if (!(learningRate > 0)) throw new Error(`Ivon: learningRate must be positive, got ${learningRate}.`);
    if (!(ess > 0) || !Number.isFinite(ess)) throw new Error(`Ivon: ess must be positive and finite, got ${ess}.`);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new Error(`Ivon: beta1 and beta2 must be in [0, 1), got ${beta1} and ${beta2}.`);
    if (!(weightDecay > 0) || !Number.isFinite(weightDecay)) throw new Error(`Ivon: weightDecay (the prior precision per example) must be positive, got ${weightDecay}.`);
    if (!Number.isInteger(mcSamples) || mcSamples < 1) throw new Error(`Ivon: mcSamples must be a positive integer, got ${mcSamples}.`);
    if (!(hessInit > 0) || !Number.isFinite(hessInit)) throw new Error(`Ivon: hessInit must be positive and finite, got ${hessInit}.`);
    if (!(clipRadius > 0)) throw new Error(`Ivon: clipRadius must be positive, got ${clipRadius}.`);
    if (!random) throw new Error('Ivon: a seeded `random` stream is required.');
    if (trustRegion && !(trustRegion.maxKl > 0)) throw new Error(`Ivon: trustRegion.maxKl must be positive, got ${trustRegion.maxKl}.`);
    if (trustRegion?.metric && trustRegion.metric !== 'posterior' && trustRegion.metric !== 'fisher') {
      throw new Error(`Ivon: trustRegion.metric must be 'posterior' or 'fisher', got "${trustRegion.metric as string}".`);
    }
    const names = new Set<string>();
    for (const v of variables) {
      if (v.dtype !== 'float32') throw new Error(`Ivon: variable "${v.name}" is ${v.dtype}; only float32 variables are optimised.`);
      if (!v.trainable) throw new Error(`Ivon: variable "${v.name}" is not trainable, so tf.variableGrads would skip it.`);
      if (names.has(v.name)) throw new Error(`Ivon: variable "${v.name}" is listed twice.`);
      names.add(v.name);
    }
    if (variables.length === 0) throw new Error('Ivon: no variables to optimise.');
    this.learningRate = learningRate;
    this.ess = ess;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.weightDecay = weightDecay;
    this.mcSamples = mcSamples;
    this.hessInit = hessInit;
    this.clipRadius = clipRadius;
    this.rescaleLearningRate = rescaleLearningRate;
    this.debias = debias;
    this.trustRegion = trustRegion ? { maxKl: trustRegion.maxKl, metric: trustRegion.metric ?? 'posterior' } : null;
    this.random = random;
    this.params = variables.map((variable) => ({
      variable,
      buffers: {
        mean: Float64Array.from(variable.dataSync() as Float32Array),
        hess: new Float64Array(variable.size).fill(hessInit),
        momentum: new Float64Array(variable.size),
      },
      scratch: {
        std: new Float64Array(variable.size),
        gradient: new Float64Array(variable.size),
        hessEstimate: new Float64Array(variable.size),
        noise: new Float64Array(variable.size),
      },
      assignedDataId: dataIdOf(variable),
    }));
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One IVON step: `loss` must return the mean loss of the current minibatch (mean NLL per example,
   * no prior term) computed from the variables. Returns the mean loss over the MC samples.
   */
  step(loss: () => Scalar): number {
    return this.stepWithInfo(loss).loss;
  }

  /** `step`, also reporting the trust region's scale and the step's KL. */
  stepWithInfo(loss: () => Scalar): IvonStepInfo {
    this.syncMeans();
    const variables = this.params.map((p) => p.variable);
    const stds = this.params.map((p) => ivonStd(p.buffers.hess, this.ess, this.weightDecay, p.scratch.std));
    const gradients = this.params.map((p) => p.scratch.gradient.fill(0));
    const hessEstimates = this.params.map((p) => p.scratch.hessEstimate.fill(0));
    const noise = this.params.map((p) => p.scratch.noise);
    const inv = 1 / this.mcSamples;
    let lossSum = 0;
    try {
      for (let s = 0; s < this.mcSamples; s++) {
        this.params.forEach((p, j) => {
          this.random.fillNormal(noise[j]);
          this.assign(p, sample(p.buffers.mean, stds[j], noise[j]));
        });
        const { value, grads } = tf.variableGrads(loss, variables);
        try {
          lossSum += value.dataSync()[0];
          this.params.forEach((p, j) => {
            const g = grads[p.variable.name];
            if (!g) return; // no gradient: the loss is flat in this variable, g = 0
            const values = g.dataSync();
            const eps = noise[j];
            const sigma = stds[j];
            const gradient = gradients[j];
            const hessEstimate = hessEstimates[j];
            for (let i = 0; i < values.length; i++) {
              gradient[i] += inv * values[i];
              hessEstimate[i] += (inv * values[i] * eps[i]) / sigma[i];
            }
          });
        } finally {
          tf.dispose([value, ...Object.values(grads)]);
        }
      }
    } catch (error) {
      for (const p of this.params) this.assign(p, Float32Array.from(p.buffers.mean));
      throw error;
    }
    const info = this.update(gradients, hessEstimates, stds);
    for (const p of this.params) this.assign(p, Float32Array.from(p.buffers.mean));
    return { loss: lossSum * inv, ...info };
  }

  private update(gradients: Float64Array[], hessEstimates: Float64Array[], stds: Float64Array[]): { scale: number; kl: number } {
    this.t += 1;
    const stepSize = this.learningRate * (this.rescaleLearningRate ? this.hessInit + this.weightDecay : 1);
    const hyper = {
      beta1: this.beta1,
      beta2: this.beta2,
      weightDecay: this.weightDecay,
      stepSize,
      clipRadius: this.clipRadius,
      debias: this.debias ? 1 - Math.pow(this.beta1, this.t) : 1,
    };
    const before = this.trustRegion ? this.params.map((p) => ({ mean: Float64Array.from(p.buffers.mean), hess: Float64Array.from(p.buffers.hess) })) : [];
    this.params.forEach((p, j) => ivonUpdate(p.buffers, gradients[j], hessEstimates[j], hyper));
    if (!this.trustRegion) return { scale: 1, kl: NaN };

    const { maxKl, metric } = this.trustRegion;
    let scale: number;
    let kl: number;
    if (metric === 'posterior') {
      const current = this.params.map((_, j) => ({ mean: before[j].mean, std: stds[j] }));
      const proposed = this.params.map((p) => ({ mean: p.buffers.mean, std: ivonStd(p.buffers.hess, this.ess, this.weightDecay) }));
      ({ scale, kl } = gaussianTrustRegion(current, proposed, maxKl));
      if (scale < 1) this.params.forEach((p, j) => interpolate(p.buffers.hess, before[j].hess, scale));
    } else {
      let quadratic = 0;
      this.params.forEach((p, j) => {
        const { mean, hess } = p.buffers;
        for (let i = 0; i < mean.length; i++) {
          const dm = mean[i] - before[j].mean[i];
          quadratic += 0.5 * (hess[i] + this.weightDecay) * dm * dm;
        }
      });
      scale = trustRegionScale(quadratic, maxKl);
      kl = quadratic * scale * scale;
    }
    if (scale < 1) this.params.forEach((p, j) => interpolate(p.buffers.mean, before[j].mean, scale));
    return { scale, kl };
  }

  /** The posterior q per variable: mean m and std sigma = 1 / sqrt(ess (h + delta)), flattened, with the shape. */
  posterior(): Record<string, IvonPosterior> {
    this.syncMeans();
    const out: Record<string, IvonPosterior> = {};
    for (const p of this.params) {
      out[p.variable.name] = {
        shape: p.variable.shape.slice(),
        mean: Float64Array.from(p.buffers.mean),
        std: ivonStd(p.buffers.hess, this.ess, this.weightDecay),
      };
    }
    return out;
  }

  /**
   * Runs `fn` with the variables set to one posterior sample m + sigma eps (eps from `random`,
   * by default the optimiser's own stream), then restores the means: Monte-Carlo prediction,
   * E_q[p(y | x, theta)] ~ (1/S) sum_s p(y | x, theta_s). `fn` must be synchronous: the means are
   * restored when it returns.
   */
  withSampledWeights<T>(fn: () => T, random: RandomStream = this.random): T {
    this.syncMeans();
    for (const p of this.params) {
      const eps = random.fillNormal(new Float64Array(p.variable.size));
      this.assign(p, sample(p.buffers.mean, ivonStd(p.buffers.hess, this.ess, this.weightDecay), eps));
    }
    try {
      return fn();
    } finally {
      for (const p of this.params) this.assign(p, Float32Array.from(p.buffers.mean));
    }
  }

  /** Copies of the step count, the buffers (float64, ready for a safetensors checkpoint) and the noise stream's position. */
  getState(): IvonState {
    this.syncMeans();
    const params: IvonState['params'] = {};
    for (const p of this.params) {
      params[p.variable.name] = {
        mean: Float64Array.from(p.buffers.mean),
        hess: Float64Array.from(p.buffers.hess),
        momentum: Float64Array.from(p.buffers.momentum),
      };
    }
    return { step: this.t, params, random: this.random.getState() };
  }

  /** Restores a `getState()`: buffers, step count, the noise stream, and the variables (set to the means). */
  setState(state: IvonState): void {
    for (const p of this.params) {
      const s = state.params[p.variable.name];
      if (!s) throw new Error(`Ivon state has no buffers for variable "${p.variable.name}".`);
      for (const key of ['mean', 'hess', 'momentum'] as const) {
        if (s[key].length !== p.variable.size) throw new Error(`Ivon state: "${p.variable.name}".${key} has ${s[key].length} values, the variable ${p.variable.size}.`);
      }
    }
    this.random.setState(state.random);
    for (const p of this.params) {
      const s = state.params[p.variable.name];
      p.buffers.mean.set(s.mean);
      p.buffers.hess.set(s.hess);
      p.buffers.momentum.set(s.momentum);
      this.assign(p, Float32Array.from(p.buffers.mean));
    }
    this.t = state.step;
  }

  /** Re-reads the mean of a variable that was assigned from outside since our last write. */
  private syncMeans(): void {
    for (const p of this.params) {
      if (dataIdOf(p.variable) !== p.assignedDataId) {
        p.buffers.mean.set(p.variable.dataSync() as Float32Array);
        p.assignedDataId = dataIdOf(p.variable);
      }
    }
  }

  private assign(p: Param, values: Float32Array): void {
    // A fresh array each time: tfjs-node may read the values of a new tensor lazily.
    const t = tf.tensor(values, p.variable.shape, 'float32');
    p.variable.assign(t);
    t.dispose();
    p.assignedDataId = dataIdOf(p.variable);
  }
}

function sample(mean: Float64Array, std: Float64Array, eps: Float64Array): Float32Array {
  const w = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) w[i] = mean[i] + std[i] * eps[i];
  return w;
}

/** x <- x0 + scale (x - x0), in place. */
function interpolate(x: Float64Array, x0: Float64Array, scale: number): void {
  for (let i = 0; i < x.length; i++) x[i] = x0[i] + scale * (x[i] - x0[i]);
}

function dataIdOf(variable: Variable): object {
  return (variable as unknown as { dataId: object }).dataId;
}
