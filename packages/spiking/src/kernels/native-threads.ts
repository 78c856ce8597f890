import * as os from 'node:os';

/** Threads of the native kernels: CRISTAL_NATIVE_THREADS, or the cores (at most 8). */
export const NATIVE_THREADS = Math.max(1, Number(process.env.CRISTAL_NATIVE_THREADS) || Math.min(os.cpus().length, 8));
