/** A logged scalar was NaN or infinite: the run stops with status `diverged`. */
export class DivergedError extends Error {
  constructor(
    readonly step: number,
    readonly metric: string,
    readonly value: number,
  ) {
    super(`Diverged at step ${step}: metric ${metric} is ${value}.`);
    this.name = 'DivergedError';
  }
}

/** The run stopped on request (SIGINT/SIGTERM) after checkpointing: status `interrupted`. */
export class RunInterrupted extends Error {
  constructor(
    readonly step: number | null,
    checkpointed = true,
  ) {
    super(step === null ? 'Interrupted before the first step.' : `Interrupted after step ${step}${checkpointed ? ' (checkpointed)' : ''}.`);
    this.name = 'RunInterrupted';
  }
}
