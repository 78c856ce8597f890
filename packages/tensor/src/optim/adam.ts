import type { NamedTensorMap, Scalar, Variable } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';
import { adamUpdate } from './adam-kernel';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Added to sqrt(v_hat); default 1e-8 as in PyTorch (TF.js defaults to 1e-7). */
  epsilon?: number;
  /** Decoupled weight decay (AdamW, Loshchilov and Hutter): w -= lr wd w. Default 0. */
  weightDecay?: number;
}

interface ParamState {
  variable: Variable;
  /** Key of its moments in getState()/setState(): the caller's name, else the TF.js variable name. */
  key: string;
  m: Float32Array;
  v: Float32Array;
  /** Master copy of the weights; re-read when someone else assigned the variable. */
  w: Float32Array | null;
  assignedDataId: object | null;
  /** Two staging buffers for the tensor handed to TF.js (which may read them lazily). */
  staging: { buffer: Float32Array; dataId: object | null }[];
}

export interface AdamState {
  step: number;
  moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * Adam (Kingma and Ba 2015) with optional decoupled weight decay, as one fused pass per parameter
 * (native when the addon is built) instead of about fourteen TF.js ops per variable:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * the same arithmetic as tf.train.adam. Moments live in typed arrays, so `getState()` can go
 * straight into a safetensors checkpoint.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly params: ParamState[];
  private t = 0;
  // 1 - b^t tracked in float32, as TF.js tracks its accumulated betas
  private accBeta1: number;
  private accBeta2: number;

  /**
   * `variables` as a record names the moments in `getState()` by its keys, so a checkpoint restores
   * into a new process whose TF.js variables got other automatic names; as an array, the moments are
   * keyed by the variables' own names.
   */
  constructor(variables: Variable[] | Readonly<Record<string, Variable>>, options: AdamOptions = {}) {
    const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 } = options;
    if (!(learningRate > 0)) throw new Error(`learningRate must be positive, got ${learningRate}.`);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new Error(`beta1 and beta2 must be in [0, 1), got ${beta1} and ${beta2}.`);
    if (!(epsilon > 0)) throw new Error(`epsilon must be positive, got ${epsilon}.`);
    if (!(weightDecay >= 0)) throw new Error(`weightDecay must be >= 0, got ${weightDecay}.`);
    const entries: [string, Variable][] = Array.isArray(variables) ? variables.map((v) => [v.name, v]) : Object.entries(variables);
    const names = new Set<string>();
    for (const [, v] of entries) {
      if (v.dtype !== 'float32') throw new Error(`Adam: variable "${v.name}" is ${v.dtype}; only float32 variables are optimised.`);
      if (names.has(v.name)) throw new Error(`Adam: variable "${v.name}" is listed twice.`);
      names.add(v.name);
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
    this.params = entries.map(([key, variable]) => ({
      variable,
      key,
      m: new Float32Array(variable.size),
      v: new Float32Array(variable.size),
      w: null,
      assignedDataId: null,
      staging: [],
    }));
  }

  get step(): number {
    return this.t;
  }

  /** Which implementation runs the update: 'native' or 'js'. */
  static kernel(): 'native' | 'js' {
    return adamUpdate().kind;
  }

  /** Applies gradients keyed by variable name (as tf.variableGrads returns them). */
  applyGradients(grads: NamedTensorMap): void {
    const { update } = adamUpdate();
    this.t += 1;
    const h = {
      lr: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      oneMinusBeta1: Math.fround(1 - this.beta1),
      oneMinusBeta2: Math.fround(1 - this.beta2),
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      c1: Math.fround(1 - this.accBeta1),
      c2: Math.fround(1 - this.accBeta2),
    };
    const backend = tf.backend() as unknown as { refCount(dataId: object): number };
    for (const p of this.params) {
      const g = grads[p.variable.name];
      if (!g) continue; // a variable the loss did not touch keeps its moments
      if (g.size !== p.variable.size) throw new Error(`Adam: gradient of "${p.variable.name}" has ${g.size} values, the variable ${p.variable.size}.`);
      const variableData = (p.variable as unknown as { dataId: object }).dataId;
      if (!p.w || p.assignedDataId !== variableData) p.w = Float32Array.from(p.variable.dataSync() as Float32Array);
      update(p.w, g.dataSync() as Float32Array, p.m, p.v, h);
      // Hand TF.js a buffer it no longer references (tfjs-node reads written arrays lazily).
      let slot = p.staging.find((s) => s.dataId === null || backend.refCount(s.dataId) === 0);
      if (!slot) {
        slot = { buffer: new Float32Array(p.w.length), dataId: null };
        if (p.staging.length < 2) p.staging.push(slot);
      }
      slot.buffer.set(p.w);
      const next = tf.tensor(slot.buffer, p.variable.shape, 'float32');
      p.variable.assign(next);
      next.dispose();
      slot.dataId = (p.variable as unknown as { dataId: object }).dataId;
      p.assignedDataId = slot.dataId;
    }
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
  }

  /** Computes the loss and its gradients for this optimizer's variables, applies them, returns the loss. */
  minimize(loss: () => Scalar): number {
    const { value, grads } = tf.variableGrads(loss, this.params.map((p) => p.variable));
    try {
      this.applyGradients(grads);
      return value.dataSync()[0];
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  getState(): AdamState {
    const moments: AdamState['moments'] = {};
    for (const p of this.params) moments[p.key] = { m: Float32Array.from(p.m), v: Float32Array.from(p.v) };
    return { step: this.t, moments };
  }

  setState(state: AdamState): void {
    for (const p of this.params) {
      const s = state.moments[p.key];
      if (!s) throw new Error(`Adam state has no moments for variable "${p.key}".`);
      if (s.m.length !== p.m.length || s.v.length !== p.v.length) throw new Error(`Adam state for "${p.key}" has the wrong size.`);
      p.m.set(s.m);
      p.v.set(s.v);
    }
    this.t = state.step;
    this.accBeta1 = Math.fround(this.beta1);
    this.accBeta2 = Math.fround(this.beta2);
    for (let i = 0; i < this.t; i++) {
      this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
      this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    }
  }

  dispose(): void {
    for (const p of this.params) p.staging = [];
  }
}

