import type { ResolvedPiGains } from './pi-gains';

/** What a PI controller carries from one update to the next. */
export interface PiState {
  /** I, in output units: the output is bias + kp e + I before the limits. */
  integral: number;
}

export const INITIAL_PI_STATE: PiState = Object.freeze({ integral: 0 });

export interface PiStepResult {
  state: PiState;
  /** u, the limited output sent to the actuator. */
  output: number;
  /** v = bias + kp e + I, the output before the limits. */
  unsaturatedOutput: number;
  /** e = direction (setPoint - measurement): positive when the output should rise. */
  error: number;
  /** Whether v lay outside [outputMin, outputMax], so that u is a limit. */
  saturated: boolean;
}

/**
 * One update of a discrete PI controller (Astrom and Hagglund's position form, integral updated
 * after the output, forward Euler, h = 1):
 *
 *   e = direction (r - y)
 *   v = bias + kp e + I
 *   u = min(max(v, outputMin), outputMax)
 *   I' = I + ki e                           'none'
 *   I' = I + ki e, unless v > max and e > 0,
 *                  or v < min and e < 0     'conditional' (then I' = I)
 *   I' = I + ki e + trackingGain (u - v)    'back-calculation'
 *
 * Without saturation u = v and the three rules are the same arithmetic (the correction term adds an
 * exact 0), so the schemes differ only while the actuator is at a limit. Conditional integration
 * freezes the integral only when integrating would push v deeper into the limit, so it still
 * unwinds as soon as the error changes sign. Back-calculation pulls v back towards the limit at rate
 * trackingGain per update; while saturated at u_lim with a steady error e its fixed point is
 * I = u_lim - bias - kp e + (ki / trackingGain) e, which is u_lim - bias for the default
 * trackingGain = ki / kp.
 *
 * Pure: the state is returned, not modified. A measurement that is not finite (NaN: the regulated
 * quantity diverged) throws an error naming `loop`.
 */
export function piStep(gains: ResolvedPiGains, state: PiState, measurement: number, setPoint: number, loop = 'PI loop'): PiStepResult {
  if (!Number.isFinite(measurement)) {
    throw new Error(
      `${loop}: the measurement is ${measurement} (set point ${setPoint}); the regulated quantity has ${Number.isNaN(measurement) ? 'diverged (NaN)' : 'left the finite range'}. ` +
        'Stop the run and report the divergence, or check the sensor.',
    );
  }
  if (!Number.isFinite(setPoint)) throw new Error(`${loop}: the set point is ${setPoint}; it must be a finite number.`);
  if (!Number.isFinite(state.integral)) throw new Error(`${loop}: the integral state is ${state.integral}; restore a checkpoint of this loop or reset it.`);
  const error = gains.direction * (setPoint - measurement);
  const unsaturatedOutput = gains.bias + gains.kp * error + state.integral;
  const output = Math.min(Math.max(unsaturatedOutput, gains.outputMin), gains.outputMax);
  const saturated = unsaturatedOutput > gains.outputMax || unsaturatedOutput < gains.outputMin;
  return { state: { integral: nextIntegral(gains, state.integral, error, unsaturatedOutput, output) }, output, unsaturatedOutput, error, saturated };
}

function nextIntegral(gains: ResolvedPiGains, integral: number, error: number, v: number, u: number): number {
  switch (gains.antiWindup) {
    case 'none':
      return integral + gains.ki * error;
    case 'conditional': {
      const deepens = (v > gains.outputMax && error > 0) || (v < gains.outputMin && error < 0);
      return deepens ? integral : integral + gains.ki * error;
    }
    case 'back-calculation':
      return integral + gains.ki * error + gains.trackingGain * (u - v);
  }
}
