/** How the integrator behaves while the actuator is saturated. */
export type AntiWindup = 'conditional' | 'back-calculation' | 'none';

export const ANTI_WINDUP_SCHEMES: readonly AntiWindup[] = ['conditional', 'back-calculation', 'none'];

/**
 * A discrete PI controller's tuning, in the units of the space the caller controls in (e.g. log KL
 * per parameter in, log KL weight out). Time is counted in controller updates (h = 1).
 */
export interface PiGains {
  /** Proportional gain K (output units per measurement unit), >= 0. */
  kp: number;
  /** Integral gain per update, K h / Ti, >= 0. */
  ki: number;
  /** Actuator limits of the output u (e.g. log of the smallest and largest KL weight). */
  outputMin: number;
  outputMax: number;
  /** The output at zero error and zero integral, e.g. log of the nominal actuator value (0 for 1). */
  bias: number;
  antiWindup: AntiWindup;
  /**
   * Back-calculation gain h / Tt per update, in (0, 1]. Default ki / kp (Tt = Ti, at most 1), see
   * `defaultTrackingGain`; ignored by the other schemes.
   */
  trackingGain?: number;
  /** +1 when a larger output raises the measurement, -1 when it lowers it. */
  direction: 1 | -1;
}

/** PiGains with every default filled in and every value checked. */
export type ResolvedPiGains = Required<PiGains>;

/**
 * Tt = Ti, i.e. h / Tt = ki / kp. Astrom and Hagglund (Advanced PID Control, ISA 2006, the section
 * on integrator windup; also Astrom and Murray, Feedback Systems, 2008, ch. 10) put the tracking time constant
 * between Td and Ti, with sqrt(Ti Td) as a rule of thumb; a PI controller has no Td, so we take the
 * upper end, Tt = Ti. It has a clean consequence (see `piStep`): while the actuator is held at a
 * limit u_lim, the integral converges to exactly u_lim - bias, the integral of a controller that
 * sits at that limit at zero error, whatever the persisting error. Capped at 1 (a full reset per
 * update); a pure integral controller (kp = 0) has no Ti in this sense and gets 1.
 */
export function defaultTrackingGain(kp: number, ki: number): number {
  return kp > 0 ? Math.min(1, ki / kp) : 1;
}

/** Checks every gain and fills in the defaults; errors name the loop and say how to fix the value. */
export function resolvePiGains(gains: PiGains, loop: string): ResolvedPiGains {
  const finite = (key: keyof PiGains, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${loop}: gain ${key} must be a finite number, got ${String(value)}.`);
    return value;
  };
  const kp = finite('kp', gains.kp);
  const ki = finite('ki', gains.ki);
  if (kp < 0 || ki < 0) {
    throw new Error(`${loop}: kp and ki must be >= 0, got kp = ${kp}, ki = ${ki}; the sign of the loop belongs in \`direction\` (+1 or -1), not in the gains.`);
  }
  if (kp === 0 && ki === 0) throw new Error(`${loop}: kp and ki are both 0, so the loop would never act; give a gain or switch the loop off.`);
  const outputMin = finite('outputMin', gains.outputMin);
  const outputMax = finite('outputMax', gains.outputMax);
  if (!(outputMin < outputMax)) throw new Error(`${loop}: outputMin (${outputMin}) must be below outputMax (${outputMax}).`);
  const bias = finite('bias', gains.bias);
  if (bias < outputMin || bias > outputMax) {
    throw new Error(`${loop}: bias ${bias} (the output at zero error) lies outside [outputMin, outputMax] = [${outputMin}, ${outputMax}]; the nominal actuator value must be reachable.`);
  }
  if (!ANTI_WINDUP_SCHEMES.includes(gains.antiWindup)) {
    throw new Error(`${loop}: antiWindup must be one of ${ANTI_WINDUP_SCHEMES.map((s) => `'${s}'`).join(', ')}, got '${String(gains.antiWindup)}'.`);
  }
  if (gains.direction !== 1 && gains.direction !== -1) {
    throw new Error(`${loop}: direction must be +1 (a larger output raises the measurement) or -1 (it lowers it), got ${String(gains.direction)}.`);
  }
  const trackingGain = gains.trackingGain === undefined ? defaultTrackingGain(kp, ki) : finite('trackingGain', gains.trackingGain);
  if (!(trackingGain > 0 && trackingGain <= 1)) {
    throw new Error(
      `${loop}: trackingGain must be in (0, 1], got ${trackingGain}; it is h / Tt, the fraction of the saturation excess removed from the integral per update (above 1 the integral overshoots its correction).`,
    );
  }
  return { kp, ki, outputMin, outputMax, bias, antiWindup: gains.antiWindup, trackingGain, direction: gains.direction };
}
