import type { z } from 'zod';
import type { RunContext } from '../run/run-context';
import { undescribedFields } from '../config/schema-walk';

export type Summary = Record<string, number>;
export type ProfileName = 'quick' | 'full';

export interface ExperimentDefinition<S extends z.ZodType> {
  /** Short identifier, unique in its project: `lab run <project>:<name>`. */
  name: string;
  description: string;
  /** The config schema; every field carries `.describe(...)`. */
  schema: S;
  /** Partial configs layered over the schema defaults. */
  profiles: Record<ProfileName, Record<string, unknown>>;
  /** Trains/evaluates with the context and returns the summary metrics of the run. */
  run: (ctx: RunContext<z.output<S>>) => Promise<Summary>;
}

export type Experiment<S extends z.ZodType = z.ZodType> = Readonly<ExperimentDefinition<S>>;

const NAME = /^[a-z][a-z0-9-]*$/;

/** Checks the declaration once, at import time, so a malformed experiment never starts a run. */
export function defineExperiment<S extends z.ZodType>(definition: ExperimentDefinition<S>): Experiment<S> {
  if (!NAME.test(definition.name)) throw new Error(`Experiment name "${definition.name}" must be lowercase letters, digits and dashes.`);
  const missing = undescribedFields(definition.schema);
  if (missing.length > 0) {
    throw new Error(`Experiment "${definition.name}": every config field needs .describe(); missing on ${missing.join(', ')}.`);
  }
  for (const profile of ['quick', 'full'] as const) {
    if (!definition.profiles[profile]) throw new Error(`Experiment "${definition.name}" has no "${profile}" profile.`);
  }
  return Object.freeze({ ...definition });
}
