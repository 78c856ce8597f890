import { jsMeanFieldKernel, meanFieldKernel, nativeMeanFieldKernel, type MeanFieldBuffers } from './mean-field-kernel';

// Module-level copies: a global lookup per iteration is slow under Jest's vm context.
const { abs, exp, max, sqrt } = Math;

/** Deterministic, well-spread values in [lo, hi) (a golden-ratio sequence): enough for a parity test. */
function spread(n: number, lo: number, hi: number, phase: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * ((i * 0.6180339887498949 + phase) % 1);
  return out;
}

function buffers(n: number, variance: boolean, priorMean: Float32Array = Float32Array.of(0.1)): MeanFieldBuffers {
  const mu = spread(n, -0.5, 0.5, 0.1);
  // rho over the whole useful range, both softplus branches and the clamp at -87
  const rho = spread(n, -25, 25, 0.37);
  rho.set([-100, -87.5, -30, -16, 0, 16, 30, 100], 0);
  return { mu, rho, priorMean, priorStd: 0.8, variance };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = max(m, abs(a[i] - b[i]) / max(abs(b[i]), 1e-30));
  return m;
}

const native = nativeMeanFieldKernel();

describe('the fused mean-field kernel on buffers', () => {
  it('is native when the addon is built (CRISTAL_BAYESIAN_KERNEL=js selects the JavaScript one)', () => {
    if (!native.kernel) throw new Error(`the native kernel did not load (${native.error}); run npm run build:native`);
    expect(meanFieldKernel().name).toBe(process.env.CRISTAL_BAYESIAN_KERNEL === 'js' ? 'js' : 'native');
  });

  it.each([
    ['sigma', false, 1],
    ['variance', true, 1],
    ['sigma, prior mean per weight', false, 40001],
  ])('native agrees with the float64 JavaScript kernel to float rounding (%s)', (_label, variance, priorMeanLength) => {
    const kernel = native.kernel;
    if (!kernel) throw new Error(`the native kernel did not load (${native.error})`);
    // several 16384-value blocks (so several threads), and not a multiple of any block or vector width
    const n = 70001;
    const pm = priorMeanLength === 1 ? Float32Array.of(0.1) : spread(n, -0.2, 0.2, 0.77);
    const a = buffers(n, variance, pm);
    const [meanJs, scaleJs, meanNative, scaleNative] = [0, 1, 2, 3].map(() => new Float32Array(n));
    const klJs = jsMeanFieldKernel.forward(a, meanJs, scaleJs);
    const klNative = kernel.forward(a, meanNative, scaleNative);
    expect(Buffer.from(meanNative.buffer).equals(Buffer.from(a.mu.buffer))).toBe(true);
    expect(Buffer.from(meanJs.buffer).equals(Buffer.from(a.mu.buffer))).toBe(true);
    expect(maxRelDiff(scaleNative, scaleJs)).toBeLessThan(4e-7 * (variance ? 2 : 1));
    expect(Math.abs(klNative - klJs) / Math.abs(klJs)).toBeLessThan(1e-6);

    const gMean = spread(n, -1, 1, 0.5);
    const gScale = spread(n, -1, 1, 0.9);
    const [gMuJs, gRhoJs, gMuNative, gRhoNative] = [0, 1, 2, 3].map(() => new Float32Array(n));
    jsMeanFieldKernel.backward(a, gMean, gScale, 0.37, gMuJs, gRhoJs);
    kernel.backward(a, gMean, gScale, 0.37, gMuNative, gRhoNative);
    // gRho is a sum of terms that can cancel: compare the error with the size of the terms
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const sigma = variance ? sqrt(scaleJs[i]) : scaleJs[i];
      const t = exp(max(-abs(a.rho[i]), -87)); // the kernels clamp e^-|rho| at e^-87
      const sigmoid = (a.rho[i] >= 0 ? 1 : t) / (1 + t);
      const size = (abs(gScale[i]) * (variance ? 2 * sigma : 1) + 0.37 * (sigma / 0.64 + 1 / sigma)) * sigmoid;
      worst = max(worst, abs(gRhoNative[i] - gRhoJs[i]) / size);
    }
    expect(worst).toBeLessThan(1e-6);
    let worstMu = 0;
    for (let i = 0; i < n; i++) {
      const d = a.mu[i] - pm[pm.length === 1 ? 0 : i];
      worstMu = max(worstMu, abs(gMuNative[i] - gMuJs[i]) / (abs(gMean[i]) + (0.37 * abs(d)) / 0.64));
    }
    expect(worstMu).toBeLessThan(1e-6);
  });

  it('softplus saturates at e^-87 for very negative rho and is the identity for large rho', () => {
    for (const kernel of [jsMeanFieldKernel, native.kernel].filter((k) => k !== null)) {
      const a: MeanFieldBuffers = { mu: new Float32Array(4), rho: Float32Array.of(-200, -87, 40, 88), priorMean: Float32Array.of(0), priorStd: 1, variance: false };
      const mean = new Float32Array(4);
      const scale = new Float32Array(4);
      const kl = kernel.forward(a, mean, scale);
      expect(scale[0]).toBeCloseTo(Math.fround(Math.exp(-87)), 44);
      expect(scale[0]).toBeGreaterThan(1.17549435e-38); // a normal float, so log(sigma) is exact enough
      expect(Math.abs(scale[1] - Math.exp(-87)) / Math.exp(-87)).toBeLessThan(1e-5);
      expect(scale[2]).toBe(40);
      expect(scale[3]).toBe(88);
      expect(Number.isFinite(kl)).toBe(true);
    }
  });

  it('a NaN rho gives a NaN sigma and KL (divergence stays visible)', () => {
    for (const kernel of [jsMeanFieldKernel, native.kernel].filter((k) => k !== null)) {
      const a: MeanFieldBuffers = { mu: new Float32Array(3), rho: Float32Array.of(-5, Number.NaN, 1), priorMean: Float32Array.of(0), priorStd: 1, variance: true };
      const scale = new Float32Array(3);
      expect(kernel.forward(a, new Float32Array(3), scale)).toBeNaN();
      expect(scale[1]).toBeNaN();
      expect(Number.isFinite(scale[0]) && Number.isFinite(scale[2])).toBe(true);
    }
  });

  it('rejects mismatched buffers and a non-positive prior scale', () => {
    const a = buffers(10, false);
    for (const kernel of [jsMeanFieldKernel, native.kernel].filter((k) => k !== null)) {
      expect(() => kernel.forward(a, new Float32Array(10), new Float32Array(9))).toThrow();
      expect(() => kernel.forward({ ...a, priorMean: new Float32Array(3) }, new Float32Array(10), new Float32Array(10))).toThrow(/prior mean/);
      expect(() => kernel.forward({ ...a, priorStd: 0 }, new Float32Array(10), new Float32Array(10))).toThrow(/prior standard deviation/);
    }
  });
});
