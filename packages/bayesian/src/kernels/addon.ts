import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The entry points of native/binding.cc (built by the root postinstall into native/build/Release). */
export interface NativeBinding {
  meanFieldForward(...args: unknown[]): number;
  meanFieldBackward(...args: unknown[]): void;
  fillStandardNormal(state: Uint32Array, out: Float32Array, scratch: Uint32Array, threads: number): void;
  denseLocalReparamForward(...args: unknown[]): number;
  denseLocalReparamBackward(...args: unknown[]): void;
  denseLocalReparamInputGrad(...args: unknown[]): void;
  localReparamForward(B: number, N: number, m: Float32Array, v: Float32Array, bMean: Float32Array, bVar: Float32Array, eps: Float32Array, y: Float32Array, s: Float32Array, threads: number): void;
  localReparamBackward(B: number, N: number, dy: Float32Array, eps: Float32Array, s: Float32Array, dv: Float32Array, dbMean: Float64Array, dbVar: Float64Array, threads: number): void;
}

/** CRISTAL_NATIVE_THREADS caps the threads of the native kernels (default: the cores, at most 8). */
export const NATIVE_THREADS = Math.max(1, Number(process.env.CRISTAL_NATIVE_THREADS) || Math.min(os.cpus().length, 8));

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('@cristal/bayesian: cannot find the package root.');
    dir = up;
  }
  return dir;
}

let loaded: { addon: NativeBinding | null; error: string | null } | null = null;

/** The native addon, or null with the reason it could not be loaded. */
export function loadAddon(): { addon: NativeBinding | null; error: string | null } {
  if (!loaded) {
    const file = path.join(packageRoot(), 'native', 'build', 'Release', 'cristal_bayesian.node');
    try {
      loaded = { addon: require(file) as NativeBinding, error: null };
    } catch (error) {
      loaded = { addon: null, error: (error as Error).message.split('\n')[0] };
    }
  }
  return loaded;
}

/** Which kernels CRISTAL_BAYESIAN_KERNEL asks for: 'native' (default) or 'js'. */
export function requestedKernel(): 'native' | 'js' {
  const wanted = process.env.CRISTAL_BAYESIAN_KERNEL ?? 'native';
  if (wanted !== 'native' && wanted !== 'js') throw new Error(`CRISTAL_BAYESIAN_KERNEL=${wanted}: use "native" (default) or "js".`);
  return wanted;
}

let warned = false;

/** The addon when it is wanted and loads; otherwise null, with one process warning if it was wanted. */
export function nativeAddon(): NativeBinding | null {
  if (requestedKernel() === 'js') return null;
  const { addon, error } = loadAddon();
  if (!addon && !warned) {
    warned = true;
    process.emitWarning(
      `@cristal/bayesian: native kernels unavailable (${error}); using the JavaScript kernels, which are slower. Run \`npm run build:native\` to build them.`,
      { code: 'CRISTAL_BAYESIAN_JS_KERNEL' },
    );
  }
  return addon;
}

/** Which kernels run, for run records and benchmark output. */
export function kernelInfo(): { kernels: 'native' | 'js'; threads: number; reason: string | null } {
  const requested = requestedKernel();
  const { addon, error } = loadAddon();
  if (requested === 'js') return { kernels: 'js', threads: 1, reason: 'CRISTAL_BAYESIAN_KERNEL=js' };
  return addon ? { kernels: 'native', threads: NATIVE_THREADS, reason: null } : { kernels: 'js', threads: 1, reason: error };
}
