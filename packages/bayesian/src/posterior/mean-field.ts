import { tf, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';

/**
 * The variational parameters of one weight tensor under a mean-field Gaussian posterior:
 * q(w) = prod_i N(w_i; mu_i, sigma_i^2) with sigma_i = softplus(rho_i). `rho` is the raw scale, never
 * a standard deviation or a variance.
 */
export interface MeanFieldPosterior {
  readonly mu: Variable;
  readonly rho: Variable;
}

/**
 * Initialisation of the posterior means:
 * - `he`: N(0, 2 / fanIn) (He et al. 2015, for ReLU networks); for 784 inputs this is N(0, 0.0505^2);
 * - `glorot`: N(0, 2 / (fanIn + fanOut)) (Glorot and Bengio 2010);
 * - `normal`: N(0, std^2), e.g. std 0.05 as in the PyTorch reference (`torch_bnn.py`);
 * - `zeros`.
 */
export type MeanInit = { kind: 'he' } | { kind: 'glorot' } | { kind: 'normal'; std: number } | { kind: 'zeros' };

/** Default raw scale: sigma = softplus(-5) ~ 0.0067, small enough that training starts near a deterministic net. */
export const DEFAULT_RHO = -5;
export const DEFAULT_MEAN_INIT: MeanInit = { kind: 'he' };

/** An initial posterior given from outside (e.g. MOPED), copied into the layer's variables. */
export interface InitialPosterior {
  mu: Tensor;
  rho: Tensor;
}

export interface MeanFieldInitOptions {
  shape: number[];
  fanIn: number;
  fanOut: number;
  meanInit?: MeanInit;
  rhoInit?: number;
  initial?: InitialPosterior;
  /** Draws the initial means. */
  rng: RandomStream;
  name: string;
}

/** Standard deviation of the initial weights (means) for `init` and the layer's fan-in and fan-out. */
export function initialStd(init: MeanInit, fanIn: number, fanOut: number): number {
  switch (init.kind) {
    case 'he':
      return Math.sqrt(2 / fanIn);
    case 'glorot':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'normal':
      if (!(init.std >= 0)) throw new Error(`meanInit: std must be >= 0, got ${init.std}.`);
      return init.std;
    case 'zeros':
      return 0;
  }
}

let counter = 0;

/** A new float32 variable holding a copy of `t` (the caller keeps ownership of `t`). */
function toVariable(t: Tensor, name: string): Variable {
  return tf.tidy(() => tf.variable(t.toFloat(), true, name));
}

export function createMeanFieldPosterior(options: MeanFieldInitOptions): MeanFieldPosterior {
  const { shape, initial, rng } = options;
  const unique = `${options.name}_${counter++}`;
  if (initial) {
    for (const [key, t] of [['mu', initial.mu], ['rho', initial.rho]] as const) {
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`${options.name}: initial ${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}].`);
      }
    }
    return { mu: toVariable(initial.mu, `${unique}/mu`), rho: toVariable(initial.rho, `${unique}/rho`) };
  }
  const rhoInit = options.rhoInit ?? DEFAULT_RHO;
  if (!Number.isFinite(rhoInit)) throw new Error(`${options.name}: rhoInit must be finite, got ${rhoInit}.`);
  const std = initialStd(options.meanInit ?? DEFAULT_MEAN_INIT, options.fanIn, options.fanOut);
  const mu = std > 0 ? rng.normalTensor(shape, 0, std) : tf.zeros(shape);
  const rho = tf.fill(shape, rhoInit);
  const p = { mu: toVariable(mu, `${unique}/mu`), rho: toVariable(rho, `${unique}/rho`) };
  tf.dispose([mu, rho]);
  return p;
}

/** sigma = softplus(rho) as a tensor (for inspection; the layers use the fused kernel). */
export function posteriorStd(p: MeanFieldPosterior): Tensor {
  return tf.softplus(p.rho);
}
