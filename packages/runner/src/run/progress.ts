export interface ProgressState {
  done: number;
  total: number;
  elapsedMs: number;
  label: string;
  info?: Record<string, number>;
  /** Units done before this process started (a resume): they do not count towards the rate. */
  since?: number;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function infoText(info: Record<string, number> | undefined): string {
  if (!info) return '';
  return Object.entries(info)
    .map(([k, v]) => ` ${k}=${Number.isInteger(v) ? v : v.toPrecision(4)}`)
    .join('');
}

/** ETA from the mean time per unit so far; unknown until the first unit is done. */
export function eta(state: ProgressState): string {
  const doneHere = state.done - (state.since ?? 0);
  if (doneHere <= 0) return '?';
  return duration((state.elapsedMs / doneHere) * Math.max(0, state.total - state.done));
}

/** `label [#######.......]  50% 100/200 ETA 12s loss=0.3012` for a terminal line. */
export function progressBar(state: ProgressState, width = 24): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `${state.label} [${bar}] ${String(Math.round(fraction * 100)).padStart(3)}% ${state.done}/${state.total} ETA ${eta(state)}${infoText(state.info)}`;
}

/** A self-contained line for logs and pipes: no carriage returns. */
export function progressLine(state: ProgressState): string {
  const pct = state.total > 0 ? Math.round((100 * state.done) / state.total) : 0;
  return `${state.label}: ${state.done}/${state.total} (${pct}%) elapsed ${duration(state.elapsedMs)} ETA ${eta(state)}${infoText(state.info)}`;
}

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** A redrawn bar on a TTY; otherwise a plain line about every tenth of the work or every 30 s. */
export class ProgressReporter {
  private state: ProgressState = { done: 0, total: 0, elapsedMs: 0, label: '' };
  private startedAt = 0;
  private lastPrinted = -Infinity;
  private lastDone = 0;

  constructor(
    private readonly out: ProgressOutput = process.stderr,
    private readonly now: () => number = () => Date.now(),
  ) {}

  start(total: number, label = 'progress', alreadyDone = 0): void {
    this.startedAt = this.now();
    this.state = { done: alreadyDone, total, elapsedMs: 0, label, since: alreadyDone };
    this.lastPrinted = -Infinity;
    this.lastDone = alreadyDone;
  }

  update(done: number, info?: Record<string, number>): void {
    const elapsedMs = this.now() - this.startedAt;
    this.state = { ...this.state, done, elapsedMs, info };
    if (this.out.isTTY) {
      this.out.write(`\r${progressBar(this.state)}\x1b[K`);
      return;
    }
    const every = Math.max(1, Math.ceil(this.state.total / 10));
    const due = Math.floor(done / every) > Math.floor(this.lastDone / every) || elapsedMs - this.lastPrinted >= 30_000 || done >= this.state.total;
    if (due) {
      this.out.write(`${progressLine(this.state)}\n`);
      this.lastPrinted = elapsedMs;
      this.lastDone = done;
    }
  }

  finish(): void {
    if (this.out.isTTY && this.state.total > 0) this.out.write('\n');
  }
}
