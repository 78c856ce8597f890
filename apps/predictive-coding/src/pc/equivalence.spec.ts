// The equivalence oracles on a tiny network (5-4-3-2, tanh): when do PC's local weight updates
// equal backprop's gradients of the squared error (1/2)||y - x̄_L||^2, and when not.
import { tf } from '@cristal/tensor';
import { backpropGradients } from '../backprop/backprop-gradients';
import { pcArchitecture } from './architecture';
import { disposePcParams, paramTensors } from './params';
import { resolvePcOptions, type PcOptionsInput } from './pc-options';
import { pcTrainingStep } from './pc-step';
import { flatten, flattenTensors, maxDifferences, randomRefCase, refBackprop, refLocalGradients, refRelax, relativeDifference, t2, toParams, type RefOptions } from './pc.test-helpers';

const sizes = [5, 4, 3, 2];
const architecture = pcArchitecture(sizes, 'tanh');
const L = sizes.length - 1;
// weights scaled up (x2) so that the hidden units work in tanh's nonlinear range
const { net, x0, y } = randomRefCase(sizes, 'tanh', 8, 7, 2);

/** PC local gradients from the TF.js implementation, flattened. */
function pcGradients(options: PcOptionsInput): number[] {
  const params = toParams(net);
  const x = t2(x0);
  const target = t2(y);
  const { gradients } = pcTrainingStep(params, architecture, x, target, resolvePcOptions(architecture, options));
  const flat = flattenTensors(gradients);
  tf.dispose([...paramTensors(gradients), x, target]);
  disposePcParams(params);
  return flat;
}

function tfBackprop(): number[] {
  const params = toParams(net);
  const x = t2(x0);
  const target = t2(y);
  const { gradients } = backpropGradients(params, architecture, x, target, 'squared-error');
  const flat = flattenTensors(gradients);
  tf.dispose([...paramTensors(gradients), x, target]);
  disposePcParams(params);
  return flat;
}

const backprop64 = flatten(refBackprop(net, x0, y, 'squared-error'));

describe('equivalence with backprop (5-4-3-2 tanh, batch 8)', () => {
  it('the two backprop implementations agree (tf.valueAndGrads vs hand-written float64 chain rule)', () => {
    const d = maxDifferences(tfBackprop(), backprop64);
    console.log(`backprop tf.grads vs float64: max abs ${d.abs.toExponential(2)}, max rel ${d.rel.toExponential(2)}`);
    expect(d.rel).toBeLessThan(3e-5);
  });

  it('(a) fixed predictions, step size 1, T = L - 1: the local updates are the backprop gradients', () => {
    const options = { predictions: 'fixed', stepSize: 1, inferenceSteps: L - 1 } as const;
    const pc = pcGradients(options);
    const vsFloat64 = maxDifferences(pc, backprop64);
    const vsTf = maxDifferences(pc, tfBackprop());
    console.log(
      `(a) fixed-prediction PC vs backprop: vs float64 max abs ${vsFloat64.abs.toExponential(2)} max rel ${vsFloat64.rel.toExponential(2)}; ` +
        `vs tf.grads max abs ${vsTf.abs.toExponential(2)} max rel ${vsTf.rel.toExponential(2)}; relative norm ${relativeDifference(pc, backprop64).toExponential(2)}`,
    );
    // float32 rounding only: ~2e-7 absolute on entries of ~1e-2 (max rel is taken against
    // max(|g|, 1e-3 max|g|), so near-zero entries do not dominate)
    expect(relativeDifference(pc, backprop64)).toBeLessThan(1e-6);
    expect(vsFloat64.rel).toBeLessThan(3e-5);
    expect(vsTf.rel).toBeLessThan(3e-5);
    // one step fewer and the first layer has not received its error yet: not equal
    expect(relativeDifference(pcGradients({ ...options, inferenceSteps: L - 2 }), backprop64)).toBeGreaterThan(0.05);
  });

  it('(a) fixed predictions converge to backprop with any small step size (the fixed point is exact)', () => {
    const pc = pcGradients({ predictions: 'fixed', stepSize: 0.2, inferenceSteps: 200 });
    const d = maxDifferences(pc, backprop64);
    const norm = relativeDifference(pc, backprop64);
    console.log(`(a') fixed-prediction PC, eta 0.2, T 200 vs backprop: max abs ${d.abs.toExponential(2)}, max rel ${d.rel.toExponential(2)}, relative norm ${norm.toExponential(2)}`);
    // the errors are differences x_l - x̄_l of O(1) numbers in float32, hence a looser bound than (a)
    expect(norm).toBeLessThan(1e-5);
    expect(d.rel).toBeLessThan(1e-3);
  });

  describe('(b) nudged output with weak precision gamma, updates scaled by 1/gamma', () => {
    const gammas = [0.1, 0.01, 0.001];
    // Converged inference: eta 0.2 for 2000 steps (checked below against 3000). The energy has a
    // shallow direction along the layer chain, so convergence takes far more steps than T = 20.
    const nudged = (gamma: number, steps = 2000): PcOptionsInput => ({ target: { kind: 'nudged', precision: gamma }, stepSize: 0.2, inferenceSteps: steps });
    const refOptions = (gamma: number): RefOptions => ({ T: 2000, eta: 0.2, precisions: [1, 1, 1], predictions: 'recomputed', nudge: gamma });

    it('the float64 oracle: the relative difference to backprop shrinks in proportion to gamma', () => {
      const diffs = gammas.map((g) => relativeDifference(flatten(refLocalGradients(net, refRelax(net, x0, y, refOptions(g)), refOptions(g))), backprop64));
      const ratios = [diffs[0] / diffs[1], diffs[1] / diffs[2]];
      console.log(`(b) float64: relative differences ${diffs.map((d) => d.toExponential(3)).join(', ')} for gamma ${gammas.join(', ')}; ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
      // first-order in gamma: each tenfold decrease divides the difference by ~10 (the gamma = 0.1
      // point still carries a visible O(gamma^2) term)
      for (const r of ratios) expect(Math.abs(r - 10)).toBeLessThan(1.5);
    });

    it('the TF.js implementation: the same law, within float32 precision', () => {
      const diffs = gammas.map((g) => relativeDifference(pcGradients(nudged(g)), backprop64));
      const ratios = [diffs[0] / diffs[1], diffs[1] / diffs[2]];
      console.log(`(b) TF.js float32: relative differences ${diffs.map((d) => d.toExponential(3)).join(', ')}; ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
      for (const r of ratios) expect(Math.abs(r - 10)).toBeLessThan(2);
      // converged: more steps do not move the updates
      expect(relativeDifference(pcGradients(nudged(0.001, 3000)), pcGradients(nudged(0.001)))).toBeLessThan(1e-3);
    });
  });

  it('(c) hard-clamped output: converged PC updates are not the backprop gradients', () => {
    const converged = pcGradients({ stepSize: 0.2, inferenceSteps: 2000 });
    expect(relativeDifference(pcGradients({ stepSize: 0.2, inferenceSteps: 3000 }), converged)).toBeLessThan(1e-5);
    const diff = relativeDifference(converged, backprop64);
    const cosine = dot(converged, backprop64) / Math.sqrt(dot(converged, converged) * dot(backprop64, backprop64));
    console.log(`(c) clamped, converged: relative difference to backprop ${diff.toFixed(3)}, cosine ${cosine.toFixed(3)}`);
    expect(diff).toBeGreaterThan(0.2);
  });
});

function dot(a: number[], b: number[]): number {
  return a.reduce((s, v, i) => s + v * b[i], 0);
}
