import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BatchPosition } from '@cristal/datasets';
import { encodeSafetensors, decodeSafetensors, tf, writeFileAtomic, type AdamState, type RawTensor, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { sha256 } from '../config/config-hash';

/** What an experiment hands over to be saved at a step. */
export interface CheckpointState {
  /** Weights (and any other tensors), by name. */
  tensors?: Record<string, Tensor | RawTensor>;
  optimizer?: AdamState;
  /** Where the data iterator continues. */
  data?: BatchPosition;
  /** Small JSON-able state of the experiment's own (best score so far, schedules, ...). */
  extra?: Record<string, unknown>;
}

/** A loaded checkpoint: everything needed to continue exactly where the run was. */
export interface Checkpoint {
  step: number;
  tensors: Record<string, RawTensor>;
  optimizer?: AdamState;
  data?: BatchPosition;
  extra?: Record<string, unknown>;
  random: ReturnType<RandomStreams['getState']>;
}

interface StateFile {
  format: 1;
  step: number;
  tensorsFile: string;
  tensorsSha256: string;
  tensorNames: string[];
  optimizer?: { step: number; variables: string[] };
  data?: BatchPosition;
  extra?: Record<string, unknown>;
  random: Checkpoint['random'];
}

const LATEST = 'latest.json';
const stem = (step: number): string => `step-${String(step).padStart(9, '0')}`;

/**
 * Checkpoints as `step-N.safetensors` (weights under `tensors/`, Adam moments under `optim/`) plus
 * `step-N.json` (step, random streams, data position, extra). `latest.json` is written last, so a
 * process killed mid-save leaves the previous checkpoint as the latest, complete one.
 */
export class CheckpointManager {
  constructor(
    readonly dir: string,
    private readonly onSaved: (step: number) => void = () => undefined,
    private readonly keep = 2,
  ) {}

  save(step: number, state: CheckpointState, random: RandomStreams): void {
    const tensors: Record<string, Tensor | RawTensor> = {};
    for (const [name, t] of Object.entries(state.tensors ?? {})) tensors[`tensors/${name}`] = t;
    const variables = Object.keys(state.optimizer?.moments ?? {});
    for (const name of variables) {
      const { m, v } = (state.optimizer as AdamState).moments[name];
      tensors[`optim/${name}/m`] = { dtype: 'F32', shape: [m.length], data: m };
      tensors[`optim/${name}/v`] = { dtype: 'F32', shape: [v.length], data: v };
    }
    const bytes = encodeSafetensors(tensors, { step: String(step) });
    const tensorsFile = `${stem(step)}.safetensors`;
    writeFileAtomic(path.join(this.dir, tensorsFile), bytes);
    const file: StateFile = {
      format: 1,
      step,
      tensorsFile,
      tensorsSha256: sha256(bytes),
      tensorNames: Object.keys(state.tensors ?? {}),
      optimizer: state.optimizer && { step: state.optimizer.step, variables },
      data: state.data,
      extra: state.extra,
      random: random.getState(),
    };
    writeFileAtomic(path.join(this.dir, `${stem(step)}.json`), JSON.stringify(file, null, 1));
    writeFileAtomic(path.join(this.dir, LATEST), JSON.stringify({ step, state: `${stem(step)}.json` }));
    this.onSaved(step);
    this.prune(step);
  }

  /** The step of the latest complete checkpoint, or null. */
  latestStep(): number | null {
    const file = path.join(this.dir, LATEST);
    if (!fs.existsSync(file)) return null;
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { step: number }).step;
  }

  load(): Checkpoint | undefined {
    const latest = path.join(this.dir, LATEST);
    if (!fs.existsSync(latest)) return undefined;
    const pointer = JSON.parse(fs.readFileSync(latest, 'utf8')) as { step: number; state: string };
    const state = JSON.parse(fs.readFileSync(path.join(this.dir, pointer.state), 'utf8')) as StateFile;
    const bytes = fs.readFileSync(path.join(this.dir, state.tensorsFile));
    if (sha256(bytes) !== state.tensorsSha256) throw new Error(`Checkpoint ${state.tensorsFile} does not match its recorded sha256: the file was changed or damaged.`);
    // A plain Uint8Array, not the Buffer: decodeSafetensors copies slices with .slice(), which on a
    // Buffer is a view of its whole (possibly larger) ArrayBuffer rather than a copy.
    const decoded = decodeSafetensors(new Uint8Array(bytes), state.tensorsFile).tensors;
    const tensors: Record<string, RawTensor> = {};
    for (const name of state.tensorNames) tensors[name] = decoded[`tensors/${name}`];
    let optimizer: AdamState | undefined;
    if (state.optimizer) {
      const moments: AdamState['moments'] = {};
      for (const name of state.optimizer.variables) {
        moments[name] = { m: decoded[`optim/${name}/m`].data as Float32Array, v: decoded[`optim/${name}/v`].data as Float32Array };
      }
      optimizer = { step: state.optimizer.step, moments };
    }
    return { step: state.step, tensors, optimizer, data: state.data, extra: state.extra, random: state.random };
  }

  private prune(current: number): void {
    const steps = fs
      .readdirSync(this.dir)
      .map((f) => /^step-(\d+)\.json$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .filter((s) => s !== current)
      .sort((a, b) => b - a);
    for (const step of steps.slice(Math.max(0, this.keep - 1))) {
      for (const ext of ['.json', '.safetensors']) fs.rmSync(path.join(this.dir, stem(step) + ext), { force: true });
    }
  }
}

/** Assigns checkpointed tensors to variables of the same name and shape. */
export function restoreVariables(variables: Record<string, Variable>, checkpoint: Pick<Checkpoint, 'tensors'>): void {
  for (const [name, variable] of Object.entries(variables)) {
    const raw = checkpoint.tensors[name];
    if (!raw) throw new Error(`Checkpoint has no tensor "${name}".`);
    if (raw.shape.join(',') !== variable.shape.join(',')) throw new Error(`Checkpoint tensor "${name}" has shape [${raw.shape}], the variable [${variable.shape}].`);
    const value = tf.tensor(raw.data, raw.shape, variable.dtype);
    variable.assign(value);
    value.dispose();
  }
}
