import { tf, type Tensor } from '@cristal/tensor';
import { checkSteps } from './steps';

/**
 * Direct (current) coding: the analogue input itself at every step, x [B, ...] -> [T, B, ...], as
 * in the first layer of most directly trained SNNs. The fused scans (`lifScan`, `alifScan`) take
 * x [B, N] with `steps` instead, without materializing the copies.
 */
export function directEncode(x: Tensor, steps: number): Tensor {
  checkSteps(steps);
  return tf.tidy(() => tf.broadcastTo(tf.expandDims(x, 0), [steps, ...x.shape]));
}
