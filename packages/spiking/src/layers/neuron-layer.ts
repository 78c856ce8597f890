import { tf, type Tensor } from '@cristal/tensor';
import type { SpikeRecorder } from '../accounting/spike-recorder';
import { detach } from '../surrogate/detach';

export interface NeuronLayerOptions {
  /** Names the layer in spike records and errors. */
  name?: string;
  /** Counts this layer's spikes (non-spiking layers ignore it). */
  recorder?: SpikeRecorder;
}

type State = Record<string, Tensor>;

function tensorsOf(state: State | null): Tensor[] {
  return state ? Object.values(state) : [];
}

/** Throws unless a parameter is a number, a scalar, or one value per neuron. */
export function checkParameter(value: number | Tensor, name: string, size: number): void {
  if (typeof value === 'number') return;
  if (!(value.rank === 0 || (value.rank === 1 && (value.shape[0] === size || value.shape[0] === 1)))) {
    throw new Error(`${name} must be a number, a scalar or a vector of ${size} (one per neuron), got shape [${value.shape.join(', ')}].`);
  }
}

/**
 * The stateful shell around a neuron's pure step function (Norse's cells): it owns the state between
 * calls, and offers the two execution modes, `step(x [B, N])` (one step) and `forward(xs [T, B, N])`
 * (a whole sequence; fused kernels where they exist). The state survives enclosing tf.tidy scopes
 * (it is kept) and is disposed by the layer when replaced, on `reset()` and on `dispose()`; what
 * `step` and `forward` return belongs to the caller. Parameters are referenced, not owned.
 */
export abstract class NeuronLayer<S extends State> {
  readonly name: string;
  readonly size: number;
  protected readonly recorder: SpikeRecorder | null;
  /** False for readouts whose output is a membrane, not spikes (nothing to record). */
  protected readonly spiking: boolean = true;
  private current: S | null = null;

  protected constructor(size: number, defaultName: string, options: NeuronLayerOptions) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`A layer needs a positive integer number of neurons, got ${size}.`);
    this.size = size;
    this.name = options.name ?? defaultName;
    this.recorder = options.recorder ?? null;
  }

  /** The state after the last step, owned by the layer (do not dispose it); null before the first step and after reset(). */
  get state(): Readonly<S> | null {
    return this.current;
  }

  protected abstract initialState(batch: number): S;

  /** One step from `state`, called inside tf.tidy; returns the output [B, N] and the next state. */
  protected abstract stepFrom(x: Tensor, state: S): { output: Tensor; state: S };

  /**
   * A whole sequence from `state` (null: the initial state), called inside tf.tidy. By default T
   * steps; layers with a fused kernel override it.
   */
  protected sequenceFrom(xs: Tensor, state: S | null): { output: Tensor; state: S } {
    let s = state ?? this.initialState(xs.shape[1] as number);
    const outputs: Tensor[] = [];
    for (const x of tf.unstack(xs)) {
      const r = this.stepFrom(x, s);
      outputs.push(r.output);
      s = r.state;
    }
    return { output: tf.stack(outputs), state: s };
  }

  /** Single-step mode: x [B, N] -> output [B, N] (spikes, or the membrane for readouts). */
  step(x: Tensor): Tensor {
    this.checkInput(x, 2);
    const fresh = this.current === null;
    const { output, state } = tf.tidy(() => this.stepFrom(x, this.current ?? this.initialState(x.shape[0])));
    this.replace(state);
    if (this.spiking) this.recorder?.record(this, output, fresh);
    return output;
  }

  /** Multi-step mode: xs [T, B, N] -> outputs [T, B, N]; the state continues from the last step. */
  forward(xs: Tensor): Tensor {
    this.checkInput(xs, 3);
    const fresh = this.current === null;
    const { output, state } = tf.tidy(() => this.sequenceFrom(xs, this.current));
    this.replace(state);
    if (this.spiking) this.recorder?.record(this, output, fresh);
    return output;
  }

  /** Back to the initial state (zeros, or the neuron's resting state) at the next call. */
  reset(): void {
    tf.dispose(tensorsOf(this.current));
    this.current = null;
  }

  /**
   * Keeps the state's values but cuts the gradient through them: the boundary between two windows
   * of truncated BPTT, when one gradient tape spans both.
   */
  detach(): void {
    const old = this.current;
    if (!old) return;
    this.replace(tf.tidy(() => Object.fromEntries(Object.entries(old).map(([k, t]) => [k, detach(t)])) as S));
  }

  /** Frees the state; the layer may be used again (it starts from the initial state). */
  dispose(): void {
    this.reset();
  }

  private checkInput(x: Tensor, rank: 2 | 3): void {
    if (x.rank !== rank || x.shape[rank - 1] !== this.size) {
      const want = rank === 2 ? `[B, ${this.size}]` : `[T, B, ${this.size}]`;
      throw new Error(`${this.name}: ${rank === 2 ? 'step' : 'forward'} expects ${want}, got [${x.shape.join(', ')}].`);
    }
    const batch = x.shape[rank - 2];
    const stateBatch = this.current ? Object.values(this.current)[0].shape[0] : batch;
    if (batch !== stateBatch) throw new Error(`${this.name}: the batch size changed from ${stateBatch} to ${batch}; call reset() first.`);
    if (x.dtype !== 'float32') throw new Error(`${this.name}: input must be float32, got ${x.dtype}.`);
  }

  private replace(next: S): void {
    const old = this.current;
    for (const t of Object.values(next)) tf.keep(t);
    const kept = new Set(Object.values(next).map((t) => t.id));
    for (const t of tensorsOf(old)) if (!kept.has(t.id)) t.dispose();
    this.current = next;
  }
}
