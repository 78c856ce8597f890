import { tf, type Scalar, type Tensor } from '@cristal/tensor';
import type { GaussianPrior } from '../priors/gaussian-prior';
import { pooledTensor, takeBuffer } from './buffer-pool';
import { readValues, registerJsKernel, writeOutput, type KernelArgs, type TensorInfo } from './js-kernel';
import { meanFieldKernel } from './mean-field-kernel';

export const MEAN_FIELD_GAUSSIAN_KERNEL = 'CristalMeanFieldGaussian';

/** Which scale the layer consumes: the standard deviation sigma, or the variance sigma^2. */
export type ScaleKind = 'std' | 'variance';

/**
 * A mean-field Gaussian posterior q = N(mu, softplus(rho)^2) as a layer uses it, with its closed-form
 * KL to a Gaussian prior. The scale field is named after what it holds: `std` (sigma) or `variance`
 * (sigma^2), as asked for.
 */
export type MeanFieldTerms<K extends ScaleKind> = {
  /** mu, passed through the kernel: use it instead of the variable (see below). */
  mean: Tensor;
  /** KL(q || prior) summed over every parameter, in nats. */
  kl: Scalar;
} & (K extends 'std' ? { std: Tensor } : { variance: Tensor });

interface Attrs {
  priorStd: number;
  variance: boolean;
  [key: string]: number | boolean;
}

function forwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const a = attrs as Attrs;
  // the backend's own array when the values still live in JavaScript (a variable just written by Adam)
  const read = (t: TensorInfo) => readValues(backend, t);
  const { shape } = inputs.mu;
  const n = inputs.mu.shape.reduce((p, d) => p * d, 1);
  const mean = takeBuffer(n);
  const scale = takeBuffer(n);
  const kl = meanFieldKernel().forward({ mu: read(inputs.mu), rho: read(inputs.rho), priorMean: read(inputs.priorMean), priorStd: a.priorStd, variance: a.variance }, mean, scale);
  return [writeOutput(backend, mean, shape), writeOutput(backend, scale, shape), writeOutput(backend, Float32Array.of(kl), [])];
}

let registered = false;

function register(): void {
  if (registered) return;
  registerJsKernel(MEAN_FIELD_GAUSSIAN_KERNEL, forwardKernel);
  tf.registerGradient({
    kernelName: MEAN_FIELD_GAUSSIAN_KERNEL,
    inputsToSave: ['mu', 'rho', 'priorMean'],
    gradFunc: (dys, saved, attrs) => {
      const [dMean, dScale, dKl] = dys as Tensor[];
      const [mu, rho, priorMean] = saved;
      const a = attrs as unknown as Attrs;
      const n = mu.size;
      const gMu = takeBuffer(n);
      const gRho = takeBuffer(n);
      const gKl = dKl.dataSync()[0];
      meanFieldKernel().backward(
        { mu: mu.dataSync() as Float32Array, rho: rho.dataSync() as Float32Array, priorMean: priorMean.dataSync() as Float32Array, priorStd: a.priorStd, variance: a.variance },
        dMean.dataSync() as Float32Array,
        dScale.dataSync() as Float32Array,
        gKl,
        gMu,
        gRho,
      );
      return {
        mu: () => pooledTensor(gMu, mu.shape),
        rho: () => pooledTensor(gRho, rho.shape),
        // d KL / d m_p = -(mu - m_p) / s_p^2, summed when the prior mean is one number
        priorMean: () =>
          tf.tidy(() => {
            const g = tf.mul(tf.sub(priorMean, mu), gKl / (a.priorStd * a.priorStd));
            return priorMean.size === 1 ? tf.reshape(tf.sum(g), priorMean.shape) : g;
          }),
      };
    },
  });
  registered = true;
}

/**
 * The fused mean-field Gaussian posterior pass, registered as the TF.js kernel
 * `CristalMeanFieldGaussian` with its gradient (native C++ with a JavaScript fallback):
 *   sigma = softplus(rho) = log(1 + e^rho)
 *   KL(N(mu, sigma^2) || N(m_p, s_p^2)) = sum_i log(s_p / sigma_i) + (sigma_i^2 + (mu_i - m_p)^2) / (2 s_p^2) - 1/2
 * It returns sigma or sigma^2 (`scale`), the KL, and mu itself as `mean`: a layer that reads mu
 * through `mean` gets the data-term and KL gradients of mu summed inside the kernel, instead of by
 * an extra TF.js add over every weight. One sweep of memory forward and one backward replace the
 * twenty-odd elementwise TF.js ops of the composed formula (klGaussianComposed), the hot spot of
 * Bayes-by-backprop training.
 */
export function meanFieldGaussian<K extends ScaleKind>(mu: Tensor, rho: Tensor, prior: GaussianPrior, scale: K): MeanFieldTerms<K> {
  register();
  if (mu.dtype !== 'float32' || rho.dtype !== 'float32') throw new Error('meanFieldGaussian: mu and rho must be float32.');
  if (mu.shape.length !== rho.shape.length || mu.shape.some((d, i) => d !== rho.shape[i])) {
    throw new Error(`meanFieldGaussian: mu [${mu.shape.join(', ')}] and rho [${rho.shape.join(', ')}] must have the same shape.`);
  }
  if (scale !== 'std' && scale !== 'variance') throw new Error(`meanFieldGaussian: scale must be "std" or "variance", got "${scale as string}".`);
  const priorMean = typeof prior.mean === 'number' ? tf.scalar(prior.mean) : prior.mean;
  if (priorMean.size !== 1 && priorMean.size !== mu.size) {
    throw new Error(`meanFieldGaussian: the prior mean must be one number or have the shape of mu, got [${priorMean.shape.join(', ')}].`);
  }
  const attrs: Attrs = { priorStd: prior.std, variance: scale === 'variance' };
  const [mean, s, kl] = tf
    .engine()
    .runKernel(MEAN_FIELD_GAUSSIAN_KERNEL, { mu, rho, priorMean }, attrs as unknown as Parameters<ReturnType<typeof tf.engine>['runKernel']>[2]) as Tensor[];
  if (typeof prior.mean === 'number') priorMean.dispose();
  const terms = scale === 'std' ? { mean, kl: kl as Scalar, std: s } : { mean, kl: kl as Scalar, variance: s };
  return terms as unknown as MeanFieldTerms<K>;
}
