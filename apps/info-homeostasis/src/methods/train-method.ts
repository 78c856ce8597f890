import { trainBayesByBackprop } from './bayes-by-backprop';
import { trainDeepEnsemble } from './deep-ensemble';
import { trainHomeostatic } from './homeostatic';
import { trainIvon } from './ivon-method';
import { trainDeterministic, trainMcDropout, trainTemperatureScaled } from './point-methods';
import type { MethodRequest, TrainedModel } from './trained-model';

/** Trains the config's method on the request's data. */
export function trainMethod(request: MethodRequest): Promise<TrainedModel> {
  switch (request.config.method) {
    case 'deterministic':
      return trainDeterministic(request);
    case 'temperature-scaling':
      return trainTemperatureScaled(request);
    case 'mc-dropout':
      return trainMcDropout(request);
    case 'deep-ensemble':
      return trainDeepEnsemble(request);
    case 'bbb':
      return trainBayesByBackprop(request, false);
    case 'bbb-warmup':
      return trainBayesByBackprop(request, true);
    case 'ivon':
      return trainIvon(request);
    case 'homeostatic':
      return trainHomeostatic(request);
  }
}
