import type { ResolvedPiGains } from './pi-gains';
import { piStep, type PiState } from './pi-step';

/** A first-order lag y_{t+1} = a y_t + b u_t + d: time constant -1 / ln a updates, DC gain b / (1 - a), offset d / (1 - a). */
export interface FirstOrderPlant {
  a: number;
  b: number;
  d: number;
}

/** A plant with time constant `tau` updates and DC gain `gain` (b = gain (1 - a)), disturbance `d`. */
export function lagPlant(tau: number, gain: number, d = 0): FirstOrderPlant {
  const a = Math.exp(-1 / tau);
  return { a, b: gain * (1 - a), d };
}

export const plantStep = (p: FirstOrderPlant, y: number, u: number): number => p.a * y + p.b * u + p.d;

/** The output the plant settles at under a constant u, and the u that holds it at y. */
export const plantFixedPoint = (p: FirstOrderPlant, u: number): number => (p.b * u + p.d) / (1 - p.a);
export const plantInputFor = (p: FirstOrderPlant, y: number): number => (y * (1 - p.a) - p.d) / p.b;

export interface Trajectory {
  /** y_t, the measurement the controller saw at update t (length steps + 1: the last one after the final update). */
  y: number[];
  u: number[];
  v: number[];
  /** The integral before update t. */
  integral: number[];
  saturated: boolean[];
}

/** Closes the loop: at every update the controller measures y_t and sets u_t, the plant moves to y_{t+1}. */
export function simulate(p: FirstOrderPlant, gains: ResolvedPiGains, start: { y: number; state: PiState }, setPoint: (t: number) => number, steps: number, disturbance?: (t: number) => number): Trajectory {
  const out: Trajectory = { y: [start.y], u: [], v: [], integral: [], saturated: [] };
  let state = start.state;
  let y = start.y;
  for (let t = 0; t < steps; t++) {
    out.integral.push(state.integral);
    const r = piStep(gains, state, y, setPoint(t), 'simulated loop');
    out.u.push(r.output);
    out.v.push(r.unsaturatedOutput);
    out.saturated.push(r.saturated);
    state = r.state;
    y = plantStep(disturbance ? { ...p, d: disturbance(t) } : p, y, r.output);
    out.y.push(y);
  }
  out.integral.push(state.integral);
  return out;
}

/**
 * The unsaturated closed loop in deviations from its equilibrium (y~ = y - r, I~ = I - I*):
 *   [y~, I~]_{t+1} = A [y~, I~]_t,   A = [[a - s b kp, b], [-s ki, 1]],   s = direction,
 * since u~ = -s kp y~ + I~ and I~' = I~ - s ki y~.
 */
export function closedLoopMatrix(p: FirstOrderPlant, gains: Pick<ResolvedPiGains, 'kp' | 'ki' | 'direction'>): [[number, number], [number, number]] {
  const s = gains.direction;
  return [
    [p.a - s * p.b * gains.kp, p.b],
    [-s * gains.ki, 1],
  ];
}

/** The eigenvalues of a 2 x 2 matrix, as { re, im } pairs. */
export function eigenvalues2(m: [[number, number], [number, number]]): { re: number; im: number }[] {
  const trace = m[0][0] + m[1][1];
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  const disc = trace * trace - 4 * det;
  if (disc >= 0) return [{ re: (trace + Math.sqrt(disc)) / 2, im: 0 }, { re: (trace - Math.sqrt(disc)) / 2, im: 0 }];
  return [{ re: trace / 2, im: Math.sqrt(-disc) / 2 }, { re: trace / 2, im: -Math.sqrt(-disc) / 2 }];
}

export const spectralRadius = (m: [[number, number], [number, number]]): number => Math.max(...eigenvalues2(m).map((e) => Math.hypot(e.re, e.im)));

/** x_t = A^t x_0 for t = 0..steps, by repeated multiplication in float64. */
export function linearResponse(m: [[number, number], [number, number]], x0: [number, number], steps: number): [number, number][] {
  const out: [number, number][] = [x0];
  for (let t = 0; t < steps; t++) {
    const [y, i] = out[t];
    out.push([m[0][0] * y + m[0][1] * i, m[1][0] * y + m[1][1] * i]);
  }
  return out;
}

/** The first index from which |values[t] - target| <= band holds to the end (values.length if never). */
export function settlingIndex(values: readonly number[], target: number, band: number): number {
  let t = values.length;
  while (t > 0 && Math.abs(values[t - 1] - target) <= band) t--;
  return t;
}
