import { defineExperiment } from '@cristal/runner';
import { assessPredictive } from '@cristal/metrics';
import { reliabilitySvg } from '../evaluation/charts';
import { exportingMethodSchema } from '../methods/method-config';
import { CALIBRATION_PROFILES } from './profiles';
import { shiftProtocolData } from './protocol';
import { trainAndExport } from './train-and-export';

const schema = exportingMethodSchema;

/**
 * In-distribution calibration: train on the first 50,000 MNIST training images, validate on the last
 * 10,000, test on the 10,000 test images. One method and one seed per run; sweep methods and seeds
 * (`lab sweep info-homeostasis:calibration --grid method=... --seeds 0..4`) and aggregate with `lab compare`.
 */
export const calibration = defineExperiment({
  name: 'calibration',
  description: 'Accuracy, NLL, ECE (15 bins) and Brier of one method on the MNIST shift protocol; reliability diagram; exports model.onnx.',
  schema,
  profiles: CALIBRATION_PROFILES,
  run: async (ctx) => {
    const data = shiftProtocolData(ctx.config.trainExamples);
    const { model, test, summary } = await trainAndExport(ctx, data, { verifyOnnx: ctx.config.verifyOnnx });
    try {
      const validation = assessPredictive((x) => model.samples(x), data.validation);
      ctx.artifacts.write('reliability-test.svg', reliabilitySvg(`${ctx.config.method} (${ctx.config.architecture}): reliability on the MNIST test set`, test.probabilities, test.labels));
      return { ...summary, validation_accuracy: validation.accuracy, validation_nll: validation.nll, validation_ece: validation.ece };
    } finally {
      model.dispose();
    }
  },
});
