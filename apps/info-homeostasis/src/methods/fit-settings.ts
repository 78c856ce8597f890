import type { FitOptions } from '@cristal/runner';
import type { RandomStream } from '@cristal/tensor';
import type { MethodRequest } from './trained-model';

/** The fitClassifier options every method shares, from the method config. */
export function fitSettings(request: MethodRequest, dataStream: RandomStream): FitOptions {
  const { config, data } = request;
  return {
    train: data.train,
    test: data.test,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    schedule: config.schedule,
    checkpointEvery: request.resumable ? config.checkpointEvery : 0,
    maxSteps: config.maxSteps > 0 ? config.maxSteps : undefined,
    gradientNorm: request.gradientNorm,
    resumable: request.resumable,
    dataStream,
    logEvery: 20,
  };
}
