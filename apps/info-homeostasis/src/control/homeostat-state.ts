import { LOOP_NAMES, type LoopName, type ResolvedHomeostatConfig } from './homeostat-config';
import { checkSetPointState, type SetPointState } from './set-point';

/** One layer's controller in one loop. */
export interface LoopLayerState {
  integral: number;
  setPoint: SetPointState;
  /** ln of the actuator value applied since the last update. */
  logOutput: number;
}

/** Everything a homeostat carries between updates: plain JSON, so a checkpoint resumes exactly. */
export interface HomeostatState {
  version: 1;
  /** The step of the last update (null before the first). */
  lastUpdateStep: number | null;
  updates: number;
  /** Per enabled loop, per layer; a disabled loop has no entry. */
  loops: Partial<Record<LoopName, Record<string, LoopLayerState>>>;
}

export function initialHomeostatState(config: ResolvedHomeostatConfig): HomeostatState {
  const loops: HomeostatState['loops'] = {};
  for (const name of LOOP_NAMES) {
    const loop = config.loops[name];
    if (!loop) continue;
    loops[name] = Object.fromEntries(config.layers.map((layer) => [layer, { integral: 0, setPoint: loop.initialSetPoints[layer], logOutput: loop.gains.bias }]));
  }
  return { version: 1, lastUpdateStep: null, updates: 0, loops };
}

/**
 * Checks a state read from a checkpoint against the configuration (same layers, same loops on,
 * finite numbers, outputs within the actuator range) and returns a copy; errors say what differs.
 */
export function checkHomeostatState(config: ResolvedHomeostatConfig, state: unknown): HomeostatState {
  const s = state as Partial<HomeostatState>;
  const bad = (why: string): never => {
    throw new Error(`Homeostat.setState: ${why}. Resume with the configuration the checkpoint was written with.`);
  };
  if (s === null || typeof s !== 'object' || s.version !== 1) return bad(`expected a state object with version 1, got ${JSON.stringify(state)?.slice(0, 80)}`);
  if (!(s.lastUpdateStep === null || (Number.isInteger(s.lastUpdateStep) && (s.lastUpdateStep as number) >= 0))) bad(`lastUpdateStep must be null or a step number, got ${String(s.lastUpdateStep)}`);
  if (!Number.isInteger(s.updates) || (s.updates as number) < 0) bad(`updates must be a non-negative integer, got ${String(s.updates)}`);
  const loops: HomeostatState['loops'] = {};
  for (const name of LOOP_NAMES) {
    const loop = config.loops[name];
    const given = s.loops?.[name];
    if (!loop) {
      if (given) bad(`the checkpoint has a ${name} loop but this configuration switches it off`);
      continue;
    }
    if (!given) return bad(`this configuration has a ${name} loop but the checkpoint does not`);
    const names = Object.keys(given);
    if (names.length !== config.layers.length || config.layers.some((l) => !(l in given))) {
      bad(`the ${name} loop of the checkpoint regulates [${names.join(', ')}], this configuration [${config.layers.join(', ')}]`);
    }
    loops[name] = Object.fromEntries(
      config.layers.map((layer) => {
        const l = given[layer];
        const where = `${name} loop, layer ${layer}`;
        if (l === null || typeof l !== 'object') bad(`${where}: expected { integral, setPoint, logOutput }, got ${JSON.stringify(l)}`);
        if (!Number.isFinite(l.integral)) bad(`${where}: integral ${String(l.integral)} is not finite`);
        if (!(l.logOutput >= loop.gains.outputMin && l.logOutput <= loop.gains.outputMax)) bad(`${where}: logOutput ${String(l.logOutput)} is outside the actuator range`);
        const setPoint = checkSetPointState(l.setPoint, where);
        const configured = loop.initialSetPoints[layer];
        const same =
          setPoint.kind === configured.kind &&
          (setPoint.kind === 'fixed'
            ? setPoint.value === configured.value
            : configured.kind === 'early' && setPoint.delayUpdates === configured.delayUpdates && setPoint.warmupUpdates === configured.warmupUpdates && setPoint.statistic === configured.statistic && setPoint.offset === configured.offset);
        if (!same) bad(`${where}: the checkpoint's set point ${JSON.stringify({ ...setPoint, recorded: undefined })} was configured differently from ${JSON.stringify({ ...configured, recorded: undefined })}`);
        return [layer, { integral: l.integral, logOutput: l.logOutput, setPoint }];
      }),
    );
  }
  return { version: 1, lastUpdateStep: s.lastUpdateStep as number | null, updates: s.updates as number, loops };
}
