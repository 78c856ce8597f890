import * as path from 'node:path';
import { temporaryLab, type TemporaryLab } from '@cristal/runner';
import { experiments } from './experiments';

/** A lab home of its own for one spec file, running this app's experiments in it. */
export function experimentRunner(): TemporaryLab {
  return temporaryLab('info-homeostasis', experiments, path.join(__dirname, '..', '..', '..', '..'));
}

/** Small enough for CI: 2,000 images, one epoch, a 64-unit MLP, 4 samples. */
export const TINY = ['trainExamples=2000', 'epochs=1', 'hidden=[64]', 'predictiveSamples=4', 'exportSamples=4', 'ensembleSize=2', 'batchSize=64', 'learningRate=0.003'];
