import { tf, assertNoTensorLeak, RandomStream, RandomStreams } from '@cristal/tensor';
import { mcUncertainty } from '@cristal/metrics';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { McDropout } from '../layers/mc-dropout';
import { bayesianMlp } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { predictiveSamples } from './predictive-samples';

const S = 20;
const N = 6;

function setup(rhoInit: number) {
  const streams = new RandomStreams(3);
  const model = bayesianMlp({ sizes: [4, 16, 3], rng: streams.init, rhoInit, meanInit: { kind: 'normal', std: 1 } });
  const x = streams.data.normalTensor([N, 4]);
  return { model, x, dispose: () => (model.dispose(), x.dispose()) };
}

describe('predictive sampling', () => {
  it('returns S sampled distributions [S, N, C] whose rows sum to 1, and their mean', () => {
    const { model, x, dispose } = setup(-1);
    const { probabilities, mean } = predictiveSamples(model, x, { samples: S, rng: new RandomStream(1, 'p') });
    expect(probabilities.shape).toEqual([S, N, 3]);
    expect(mean.shape).toEqual([N, 3]);
    tf.tidy(() => {
      expect(tf.max(tf.abs(tf.sub(tf.sum(probabilities, 2), 1))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(tf.sum(mean, 1), 1))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(mean, tf.mean(probabilities, 0)))).dataSync()[0]).toBe(0);
      // the passes differ
      const [p0, p1] = tf.unstack(probabilities).map((t) => Array.from(t.dataSync()));
      expect(p0).not.toEqual(p1);
    });
    tf.dispose([probabilities, mean]);
    dispose();
  });

  it('is reproducible from the stream state (and keeps its shapes when batched)', () => {
    const { model, x, dispose } = setup(-1);
    const a = predictiveSamples(model, x, { samples: 4, rng: new RandomStream(2, 'p') });
    const b = predictiveSamples(model, x, { samples: 4, rng: new RandomStream(2, 'p') });
    const c = predictiveSamples(model, x, { samples: 4, rng: new RandomStream(3, 'p') });
    expect(Array.from(a.probabilities.dataSync())).toEqual(Array.from(b.probabilities.dataSync()));
    expect(Array.from(a.probabilities.dataSync())).not.toEqual(Array.from(c.probabilities.dataSync()));
    // local reparameterisation draws [batch, units] noise per layer in order: with batches the draws are split, not reused
    const batched = predictiveSamples(model, x, { samples: 4, rng: new RandomStream(2, 'p'), batchSize: 4 });
    expect(batched.probabilities.shape).toEqual([4, N, 3]);
    tf.dispose([a, b, c, batched].flatMap((r) => [r.probabilities, r.mean]));
    dispose();
  });

  it('feeds mcUncertainty: mutual information > 0 for a wide posterior, ~0 for a near-point posterior', () => {
    const wide = setup(-1);
    const narrow = setup(-20); // sigma ~ 2e-9
    const mi = (m: ReturnType<typeof setup>) => {
      const r = predictiveSamples(m.model, m.x, { samples: S, rng: new RandomStream(4, 'p') });
      const u = mcUncertainty(r.probabilities);
      tf.dispose([r.probabilities, r.mean]);
      return Math.max(...u.mutualInformation);
    };
    expect(mi(wide)).toBeGreaterThan(0.01);
    expect(mi(narrow)).toBeLessThan(1e-5);
    wide.dispose();
    narrow.dispose();
  });

  it('samples an MC-dropout network: passes differ, means sum to 1, the same stream gives the same samples; no leaks', () => {
    const streams = new RandomStreams(5);
    const model = new Sequential([
      new Dense({ inputSize: 4, units: 32, rng: streams.init }),
      new Activation('relu'),
      new McDropout(0.5),
      new Dense({ inputSize: 32, units: 3, rng: streams.init }),
    ]);
    const x = streams.data.normalTensor([N, 4]);
    const rng = new RandomStream(6, 'p');
    const { probabilities, mean } = predictiveSamples(model, x, { samples: 8, rng });
    const u = mcUncertainty(probabilities);
    expect(Math.max(...u.mutualInformation)).toBeGreaterThan(0); // the dropout masks differ between passes
    tf.tidy(() => expect(tf.max(tf.abs(tf.sub(tf.sum(mean, 1), 1))).dataSync()[0]).toBeLessThan(1e-5));
    const again = predictiveSamples(model, x, { samples: 8, rng: new RandomStream(6, 'p') });
    expect(Array.from(again.probabilities.dataSync())).toEqual(Array.from(probabilities.dataSync()));
    tf.dispose([probabilities, mean, again.probabilities, again.mean]);
    assertNoTensorLeak(
      () => {
        const r = predictiveSamples(model, x, { samples: 3, rng, batchSize: 4 });
        tf.dispose([r.probabilities, r.mean]);
      },
      { label: 'predictiveSamples' },
    );
    expect(() => predictiveSamples(model, x, { samples: 0, rng })).toThrow(/positive integer/);
    model.dispose();
    x.dispose();
  });
});
