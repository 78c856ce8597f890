import type * as TfNode from '@tensorflow/tfjs-node';

export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Scalar,
  Variable,
  Rank,
  DataType,
  TensorContainer,
  NamedTensorMap,
  TypedArray,
} from '@tensorflow/tfjs-node';

/** The TF.js module every package computes with: tfjs-node's API (a superset of @tensorflow/tfjs). */
export type Tf = typeof TfNode;

export interface BackendInfo {
  /** Name TF.js reports: `tensorflow` (native) or `cpu` (pure JS). */
  backend: string;
  native: boolean;
  /** What was asked for through CRISTAL_BACKEND (default `native`). */
  requested: 'native' | 'cpu';
  tfjs: string;
  /** Version of the native TensorFlow library, `null` on the pure-JS backend. */
  tensorflow: string | null;
  node: string;
  platform: string;
}

export function requestedBackend(env: NodeJS.ProcessEnv): 'native' | 'cpu' {
  const value = (env.CRISTAL_BACKEND ?? 'native').trim().toLowerCase();
  if (value === 'native' || value === 'tensorflow' || value === '') return 'native';
  if (value === 'cpu') return 'cpu';
  throw new Error(`CRISTAL_BACKEND=${env.CRISTAL_BACKEND} is not a backend: use "native" (default) or "cpu".`);
}

function loadNative(): Tf {
  // TensorFlow's C++ logging otherwise prints oneDNN banners into every run's output.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // Same seed, same backend, same numbers: ask the kernels that have a deterministic mode to use it.
  process.env.TF_DETERMINISTIC_OPS ??= '1';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@tensorflow/tfjs-node') as Tf;
  } catch (error) {
    throw new Error(
      `The native TensorFlow backend failed to load: ${(error as Error).message}\n` +
        'Run `npm run provision:tfjs` and follow its message, or set CRISTAL_BACKEND=cpu to use the slow pure-JS backend knowingly.',
    );
  }
}

function loadCpu(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  // Loud on purpose: numbers from this backend are not comparable with native ones, and it is slow.
  process.emitWarning(
    'CRISTAL_BACKEND=cpu: computing on the pure-JavaScript TF.js backend, not native TensorFlow. ' +
      'Expect it to be much slower; do not compare its timings with native runs.',
    { code: 'CRISTAL_CPU_BACKEND' },
  );
  return tf;
}

function load(): { tf: Tf; info: BackendInfo } {
  const requested = requestedBackend(process.env);
  const tf = requested === 'native' ? loadNative() : loadCpu();
  if (requested === 'cpu') {
    // setBackend is async only for backends that need initialisation; cpu is ready at once.
    void tf.setBackend('cpu');
  }
  const backend = tf.getBackend();
  const native = backend === 'tensorflow';
  const binding = native ? (tf.backend() as unknown as { binding: { TF_Version: string } }).binding : null;
  const info: BackendInfo = {
    backend,
    native,
    requested,
    tfjs: tf.version['tfjs-core'],
    tensorflow: binding ? binding.TF_Version : null,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  };
  return { tf, info };
}

const loaded = load();

/** The one TF.js instance of the process. Import it from here, never from @tensorflow/* directly. */
export const tf: Tf = loaded.tf;

/** Backend name and versions, for run records and benchmark output. */
export function backendInfo(): BackendInfo {
  return { ...loaded.info };
}
