import { resolvePiGains, type PiGains, type ResolvedPiGains } from './pi-gains';
import { INITIAL_PI_STATE, piStep, type PiState, type PiStepResult } from './pi-step';

/** A thin stateful wrapper of `piStep`: holds the validated gains and the integral. */
export class PiController {
  readonly gains: ResolvedPiGains;
  readonly name: string;
  private state: PiState;

  /** `name` names the loop in error messages (e.g. "kl loop, layer layer1"). */
  constructor(gains: PiGains, name = 'PI loop', state: PiState = INITIAL_PI_STATE) {
    this.gains = resolvePiGains(gains, name);
    this.name = name;
    this.state = { ...state };
  }

  step(measurement: number, setPoint: number): PiStepResult {
    const result = piStep(this.gains, this.state, measurement, setPoint, this.name);
    this.state = result.state;
    return result;
  }

  getState(): PiState {
    return { ...this.state };
  }

  setState(state: PiState): void {
    if (typeof state?.integral !== 'number' || !Number.isFinite(state.integral)) {
      throw new Error(`${this.name}: a PI state needs a finite \`integral\`, got ${JSON.stringify(state)}.`);
    }
    this.state = { integral: state.integral };
  }
}
