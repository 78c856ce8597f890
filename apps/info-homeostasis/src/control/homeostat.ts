import { resolveHomeostatConfig, type HomeostatConfig, type ResolvedHomeostatConfig } from './homeostat-config';
import type { ActuatorValues, HomeostatUpdate } from './homeostat-log';
import { checkHomeostatState, initialHomeostatState, type HomeostatState } from './homeostat-state';
import { actuatorValues, homeostatStep, isUpdateStep, type HomeostatMeasurements } from './homeostat-step';

/**
 * Per-layer regulation of information flow: a KL loop (KL per parameter -> the layer's KL-weight
 * multiplier) and an SNR loop (pre-activation SNR -> the layer's noise temperature), each a PI
 * controller per layer with its own set point. A thin stateful wrapper of `homeostatStep`.
 *
 *   const h = new Homeostat({ layers: ['layer1', 'layer2', 'layer3'], kl: {}, snr: { enabled: false } });
 *   if (h.isUpdateStep(step)) {
 *     const { actuators, log } = h.update(step, { kl: klPerParameterByLayer(model.layers), snrDb, fisherPerParameter });
 *   }
 *   // between updates, h.actuators() holds the values to apply
 */
export class Homeostat {
  readonly config: ResolvedHomeostatConfig;
  private state: HomeostatState;

  constructor(config: HomeostatConfig) {
    this.config = resolveHomeostatConfig(config);
    this.state = initialHomeostatState(this.config);
  }

  /** Whether `update(step, ...)` acts at this step (compute the sensors only then). */
  isUpdateStep(step: number): boolean {
    return isUpdateStep(this.config, step);
  }

  update(step: number, measurements: HomeostatMeasurements = {}): HomeostatUpdate {
    const { state, update } = homeostatStep(this.config, this.state, step, measurements);
    this.state = state;
    return update;
  }

  /** The actuator values in force: per layer { klWeight, noiseTemperature }, 1 for a loop that is off. */
  actuators(): Record<string, ActuatorValues> {
    return actuatorValues(this.config, this.state);
  }

  /** A deep copy, plain JSON. */
  getState(): HomeostatState {
    return JSON.parse(JSON.stringify(this.state)) as HomeostatState;
  }

  /** Restores a `getState()` result (e.g. parsed from a checkpoint); it must match this configuration. */
  setState(state: HomeostatState): void {
    this.state = checkHomeostatState(this.config, state);
  }
}
