import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** In-place Adam update of one parameter buffer (see native/adam.cc for the arithmetic). */
export type AdamUpdate = (
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: { lr: number; beta1: number; beta2: number; oneMinusBeta1: number; oneMinusBeta2: number; epsilon: number; weightDecay: number; c1: number; c2: number },
) => void;

/** The JavaScript version, in float32 like the native one. */
export const jsAdamUpdate: AdamUpdate = (w, g, m, v, h) => {
  const f = Math.fround;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(h.beta1 * m[i]) + f(h.oneMinusBeta1 * gi));
    const vi = f(f(h.beta2 * v[i]) + f(h.oneMinusBeta2 * f(gi * gi)));
    m[i] = mi;
    v[i] = vi;
    const step = f(f(h.lr * f(mi / h.c1)) / f(f(Math.sqrt(f(vi / h.c2))) + h.epsilon));
    w[i] = f(f(w[i] - f(f(h.lr * h.weightDecay) * w[i])) - step);
  }
};

let cached: { update: AdamUpdate; kind: 'native' | 'js' } | null = null;

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** The native update when the addon is built (tools/native/build-addons.cjs), else the JS one. */
export function adamUpdate(): { update: AdamUpdate; kind: 'native' | 'js' } {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(path.join(packageRoot(), 'native', 'build', 'Release', 'cristal_tensor.node')) as {
      adamUpdate: (...args: unknown[]) => void;
    };
    const threads = Math.max(1, Number(process.env.CRISTAL_NATIVE_THREADS) || Math.min(os.cpus().length, 8));
    cached = {
      kind: 'native',
      update: (w, g, m, v, h) =>
        addon.adamUpdate(w, g, m, v, h.lr, h.beta1, h.beta2, h.oneMinusBeta1, h.oneMinusBeta2, h.epsilon, h.weightDecay, h.c1, h.c2, threads),
    };
  } catch {
    cached = { kind: 'js', update: jsAdamUpdate };
  }
  return cached;
}
