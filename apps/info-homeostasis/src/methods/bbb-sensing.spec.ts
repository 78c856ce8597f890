import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineExperiment, temporaryLab, type RunContext } from '@cristal/runner';
import { RandomStreams, tf } from '@cristal/tensor';
import { shiftProtocolData } from '../experiments/protocol';
import { methodSchema } from './method-config';
import { trainMethod } from './train-method';

jest.setTimeout(300_000);

/**
 * Trains Bayes-by-backprop twice from one seed, blind and with its information flow sensed, and
 * returns the largest difference of their test predictives and the sensed trajectories' shape.
 */
const parity = defineExperiment({
  name: 'bbb-sensing-parity',
  description: 'tests only',
  schema: methodSchema,
  profiles: { quick: {}, full: {} },
  run: async (ctx) => {
    const data = shiftProtocolData(ctx.config.trainExamples);
    const request = (sense: boolean) => ({ ctx: ctx as RunContext<unknown>, config: ctx.config, data, random: new RandomStreams(5), seed: 5, resumable: false, sense });
    const blind = await trainMethod(request(false));
    const sensed = await trainMethod(request(true));
    try {
      const x = tf.tensor2d(Float32Array.from(data.test.images.subarray(0, 200 * 784), (v) => v / 255), [200, 784]);
      const [a, b] = [blind.predictive(x), sensed.predictive(x)];
      const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      tf.dispose([x, a, b]);
      const t = sensed.trajectories ?? {};
      ctx.artifacts.write('trajectories.json', JSON.stringify(t));
      return { maxDiff, blindTrajectories: Object.keys(blind.trajectories ?? {}).length, series: Object.keys(t).length };
    } finally {
      blind.dispose();
      sensed.dispose();
    }
  },
});

const lab = temporaryLab('info-homeostasis', [parity], path.join(__dirname, '..', '..', '..', '..'));
afterAll(() => lab.cleanup());

describe('Bayes-by-backprop with its information flow sensed (the stability grid\'s reference)', () => {
  it('trains bit for bit as without sensing, and records KL, SNR and Fisher per layer on the update schedule', async () => {
    const overrides = ['method=bbb', 'trainExamples=1000', 'hidden=[32]', 'batchSize=50', 'predictiveSamples=2', 'homeostasis.updateEvery=4', 'homeostasis.fisherEvery=2'];
    const record = await lab.run('bbb-sensing-parity', 5, overrides);
    expect(record.error).toBeNull();
    const s = record.summary as Record<string, number>;
    // the sensors draw from a stream of their own: the posterior and its predictive are untouched
    expect(s['maxDiff']).toBe(0);
    expect(s['blindTrajectories']).toBe(0);
    const t = JSON.parse(fs.readFileSync(path.join(record.runDir, 'trajectories.json'), 'utf8')) as Record<string, [number, number][]>;
    expect(Object.keys(t).sort()).toEqual(['fisher/dense1', 'fisher/dense2', 'kl/dense1', 'kl/dense2', 'snr_db/dense1', 'snr_db/dense2']);
    // 20 steps, a reading every 4 (steps 4, 8, ..., 20), the Fisher trace at every second reading
    expect(t['kl/dense1'].map(([step]) => step)).toEqual([4, 8, 12, 16, 20]);
    expect(t['fisher/dense1'].map(([step]) => step)).toEqual([4, 12, 20]);
    for (const series of Object.values(t)) for (const [, value] of series) expect(Number.isFinite(value)).toBe(true);
    expect(t['kl/dense1'].every(([, kl]) => kl > 0)).toBe(true);
  });
});
