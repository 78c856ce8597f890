import { tf, type AdamState, type RawTensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { BackpropTrainer } from '../backprop';
import { PcTrainer, type OptimizerSpec, type PcArchitecture, type PcKernel, type PcOptionsInput, type PcParamValues } from '../pc';

export type OutputKind = 'squared-error' | 'categorical';

/** What the pc-vs-bp loop needs of either twin. */
export interface TwinLearner {
  readonly name: 'pc' | 'backprop';
  step(x: Tensor2D, target: Tensor2D): void;
  setLearningRate(value: number): void;
  /** Class probabilities [1, B, 10]: softmax of the feedforward output (see probabilitiesOf). */
  probabilities(x: Tensor2D): Tensor3D;
  snapshot(): PcParamValues;
  checkpointTensors(): Record<string, RawTensor>;
  restore(tensors: Record<string, RawTensor>, optimizerStep: number | null): void;
  optimizerStep(): number | null;
  dispose(): void;
}

interface StatefulTrainer {
  learningRate: number;
  step(x: Tensor2D, target: Tensor2D): unknown;
  predict(x: Tensor2D): Tensor2D;
  snapshot(): PcParamValues;
  getState(): { params: PcParamValues; optimizer: AdamState | null };
  setState(state: { params: PcParamValues; optimizer: AdamState | null }): void;
  dispose(): void;
}

/**
 * Softmax of the feedforward output. For the categorical output these are the model's
 * probabilities; for the squared-error output the outputs approximate one-hot targets, and their
 * softmax only serves the argmax (accuracy): its NLL and ECE do not describe a calibrated model.
 */
export function probabilitiesOf(output: Tensor2D): Tensor3D {
  return tf.tidy(() => tf.expandDims(tf.softmax(output), 0) as Tensor3D);
}

function raw(data: Float32Array, shape: number[]): RawTensor {
  return { dtype: 'F32', shape, data: Float32Array.from(data) };
}

function wrap(name: 'pc' | 'backprop', trainer: StatefulTrainer, architecture: PcArchitecture): TwinLearner {
  const sizes = architecture.sizes;
  return {
    name,
    step: (x, target) => void trainer.step(x, target),
    setLearningRate: (value) => (trainer.learningRate = value),
    probabilities: (x) => tf.tidy(() => probabilitiesOf(trainer.predict(x))),
    snapshot: () => trainer.snapshot(),
    checkpointTensors: () => {
      const { params, optimizer } = trainer.getState();
      const out: Record<string, RawTensor> = {};
      params.weights.forEach((w, l) => (out[`${name}/W${l}`] = raw(w, [sizes[l], sizes[l + 1]])));
      params.biases.forEach((b, l) => (out[`${name}/b${l}`] = raw(b, [b.length])));
      for (const [key, moments] of Object.entries(optimizer?.moments ?? {})) {
        out[`${name}/adam/${key}/m`] = raw(moments.m, [moments.m.length]);
        out[`${name}/adam/${key}/v`] = raw(moments.v, [moments.v.length]);
      }
      return out;
    },
    optimizerStep: () => trainer.getState().optimizer?.step ?? null,
    restore: (tensors, optimizerStep) => {
      const take = (key: string): Float32Array => {
        const t = tensors[key];
        if (!t) throw new Error(`The checkpoint has no tensor "${key}": it was written by another configuration; start a new run.`);
        return Float32Array.from(t.data);
      };
      const layers = sizes.length - 1;
      const params: PcParamValues = {
        weights: Array.from({ length: layers }, (_, l) => take(`${name}/W${l}`)),
        biases: Array.from({ length: layers }, (_, l) => take(`${name}/b${l}`)),
      };
      let optimizer: AdamState | null = null;
      if (optimizerStep !== null) {
        const keys = Object.keys(tensors)
          .filter((k) => k.startsWith(`${name}/adam/`) && k.endsWith('/m'))
          .map((k) => k.slice(`${name}/adam/`.length, -2));
        optimizer = { step: optimizerStep, moments: Object.fromEntries(keys.map((k) => [k, { m: take(`${name}/adam/${k}/m`), v: take(`${name}/adam/${k}/v`) }])) };
      }
      trainer.setState({ params, optimizer });
    },
    dispose: () => trainer.dispose(),
  };
}

export interface TwinSettings {
  architecture: PcArchitecture;
  seed: number;
  output: OutputKind;
  pc: PcOptionsInput;
  optimizer: OptimizerSpec;
  /** PC's training path (the fused native step or TensorFlow ops); default 'auto'. */
  kernel?: PcKernel;
}

/** PC and its backprop twin: same architecture, initial weights (same seed), optimiser and output loss. */
export function twinLearners(settings: TwinSettings): [TwinLearner, TwinLearner] {
  const { architecture, seed, output, optimizer } = settings;
  const pc = new PcTrainer({ architecture, seed, optimizer, pc: { ...settings.pc, output }, kernel: settings.kernel });
  const backprop = new BackpropTrainer({ architecture, seed, optimizer, loss: output === 'categorical' ? 'cross-entropy' : 'squared-error' });
  return [wrap('pc', pc, architecture), wrap('backprop', backprop, architecture)];
}
