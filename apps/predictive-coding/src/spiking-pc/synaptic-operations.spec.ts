import { RandomStream, tf, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { feedforwardSweep, pcArchitecture, REFERENCE_ARCHITECTURE } from '../pc';
import { drawChannelUniforms, spikingInferenceStep } from './spiking-inference-step';
import { resolveSpikingPcOptions } from './spiking-pc-options';
import { spikingBatchReport } from './spiking-pc-run';
import { disposeReplacedState, initialSpikingState, spikingPcContext, stateTensors, type SpikingPcState } from './spiking-pc-state';
import { tidy } from './tidy';
import { errorUnitFanOut, feedforwardMacs, predictionMacsPerStep, synapticOperations } from './synaptic-operations';

describe('synaptic operations', () => {
  it('fan-out: an error unit reaches its own free value unit and the free layer below through W^T', () => {
    // 784-256-256-10: e_1 -> x_1 (1; x_0 is clamped), e_2 -> x_2 and 256 units of x_1, e_3 -> 256 units of x_2 (x_3 is clamped)
    expect(errorUnitFanOut(REFERENCE_ARCHITECTURE)).toEqual([1, 257, 256]);
    expect(errorUnitFanOut(pcArchitecture([2, 3, 2]))).toEqual([1, 3]);
    expect(errorUnitFanOut(pcArchitecture([4, 2]))).toEqual([0]); // nothing free: the spikes only drive learning
    expect(feedforwardMacs(REFERENCE_ARCHITECTURE)).toBe(784 * 256 + 256 * 256 + 256 * 10);
    expect(predictionMacsPerStep(REFERENCE_ARCHITECTURE)).toBe(256 * 256 + 256 * 10);
    expect(synapticOperations([3, 2, 5], [1, 257, 256])).toBe(3 + 514 + 1280);
    expect(() => synapticOperations([1], [1, 2])).toThrow(/one count per predicted layer/);
  });

  it('equals a hand count on a 2-3-2 network whose spikes are forced (|e| >= r_max fires every step, e = 0 never)', () => {
    // W = 0 and b = 0, so mu_1 = 0 and mu_2 = 0 whatever x_1 is, and the feedback s_2 W_1^T is 0.
    // Hand-set hidden nodes x_1 and targets y (r_max = 1, tau_s = dt, eta = 0.1, K = 5):
    //   sample a: x_1 = [2, 0, -2], y = [1, 0]    sample b: x_1 = [0, 1.5, 0], y = [-1, 1]
    // e_1 = x_1 stays >= 1 in magnitude for 5 steps (x_1 moves by -eta sign(e_1) per step: 2 -> 1.6, 1.5 -> 1.1),
    // so layer 1 emits 3 spikes per step (fan-out 1) and layer 2 emits 3 (fan-out 3, x_1 has 3 units):
    // SOPs = 5 steps x (3 x 1 + 3 x 3) = 60.
    const architecture = pcArchitecture([2, 3, 2], 'tanh');
    const options = resolveSpikingPcOptions(architecture, { timeSteps: 5, stepSize: 0.1, dt: 1, tauSyn: 1, rMax: 1, learningRate: 0 });
    const params = { weights: [tf.zeros([2, 3]) as Tensor2D, tf.zeros([3, 2]) as Tensor2D], biases: [tf.zeros([3]) as Tensor1D, tf.zeros([2]) as Tensor1D] };
    const input = tf.tensor2d([[0.3, -0.7], [1, 2]]);
    const target = tf.tensor2d([[1, 0], [-1, 1]]);
    const hidden = tf.tensor2d([[2, 0, -2], [0, 1.5, 0]]);
    const stream = new RandomStream(1, 'forced');
    const result = tidy(() => {
      const feedforward = feedforwardSweep(params, architecture, input);
      const context = spikingPcContext(params, architecture, feedforward, target, options);
      const start = initialSpikingState(context, feedforward, target);
      let state: SpikingPcState = { ...start, nodes: [input, hidden, target] };
      const keep = new Set<Tensor>([...feedforward, input, hidden, target]);
      const perStep: number[][][] = [];
      for (let t = 0; t < options.timeSteps; t++) {
        const before = state.spikeCounts.map((c) => c.arraySync() as number[][]);
        const next = spikingInferenceStep(context, state, drawChannelUniforms(stream, 2, architecture));
        perStep.push(next.spikeCounts.map((c, l) => (c.arraySync() as number[][]).map((row, i) => row.map((v, j) => v - before[l][i][j]))).flat());
        disposeReplacedState(state, next, keep);
        state = next;
      }
      const report = spikingBatchReport({ state, feedforward, input, target }, architecture);
      return { report, perStep, traces: state.traces.map((s) => s.arraySync()), x1: state.nodes[1].arraySync() as number[][], live: stateTensors(state) };
    });
    for (const step of result.perStep) expect(step).toEqual([[1, 0, 1], [0, 1, 0], [1, 0], [1, 1]]);
    expect(result.traces).toEqual([[[1, 0, -1], [0, 1, 0]], [[1, 0], [-1, 1]]]);
    result.x1.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo([[1.5, 0, -1.5], [0, 1, 0]][i][j], 6)));
    expect(result.report.spikes).toEqual([15, 15]);
    expect(result.report.synapticOps).toBe(60);
    // saturated means |e| > r_max strictly: the three non-zero hidden errors (> 1 all 5 steps), not the output errors |y| = 1 = r_max
    expect(result.report.clippedUnitSteps).toEqual([15, 0]);
    expect(result.report.unitSteps).toEqual([2 * 5 * 3, 2 * 5 * 2]);
    expect(result.report.feedforwardMacs).toBe(2 * (2 * 3 + 3 * 2));
    expect(result.report.predictionMacs).toBe(2 * 5 * (3 * 2));
    tf.dispose([...result.live, ...params.weights, ...params.biases, input, target, hidden]);
  });
});
