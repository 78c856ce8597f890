import { tf, assertNoTensorLeak, RandomStream } from '@cristal/tensor';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { Sequential } from '../models/sequential';
import { DeepEnsemble } from './deep-ensemble';

const member = (init: RandomStream) =>
  new Sequential([new Dense({ inputSize: 4, units: 16, rng: init }), new Activation('relu'), new Dense({ inputSize: 16, units: 3, rng: init })]);

function ensemble(size: number, seed: number) {
  return new DeepEnsemble({ size, create: member, rng: new RandomStream(seed, 'ensemble') });
}

describe('deep ensemble', () => {
  const x = tf.tensor2d([
    [0.3, -1, 2, 0.5],
    [1.2, 0.1, -0.4, -2],
  ]);
  afterAll(() => x.dispose());

  it('has K independently initialised members whose predictions differ, averaged into distributions', () => {
    const e = ensemble(3, 1);
    const { probabilities, mean } = e.predict(x);
    expect(probabilities.shape).toEqual([3, 2, 3]);
    tf.tidy(() => {
      expect(tf.max(tf.abs(tf.sub(tf.sum(mean, 1), 1))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(mean, tf.mean(probabilities, 0)))).dataSync()[0]).toBe(0);
      const [a, b, c] = tf.unstack(probabilities).map((t) => Array.from(t.dataSync()));
      expect(a).not.toEqual(b);
      expect(b).not.toEqual(c);
    });
    const k0 = Array.from((e.members[0].layers[0] as Dense).kernel.dataSync());
    const k1 = Array.from((e.members[1].layers[0] as Dense).kernel.dataSync());
    expect(k0).not.toEqual(k1);
    tf.dispose([probabilities, mean]);
    e.dispose();
  });

  it('is reproducible from its seed, and member k does not depend on the ensemble size', () => {
    const [a, b, small, other] = [ensemble(3, 1), ensemble(3, 1), ensemble(2, 1), ensemble(3, 2)];
    const p = (e: DeepEnsemble<Sequential>) => {
      const r = e.predict(x);
      const values = Array.from(r.probabilities.dataSync());
      tf.dispose([r.probabilities, r.mean]);
      return values;
    };
    expect(p(a)).toEqual(p(b));
    expect(p(a).slice(0, 12)).toEqual(p(small)); // members 0 and 1
    expect(p(a)).not.toEqual(p(other));
    expect(a.streamOf(0, 'data').uniform()).not.toBe(a.streamOf(1, 'data').uniform());
    expect(a.streamOf(1, 'data').uniform()).toBe(b.streamOf(1, 'data').uniform());
    expect(() => a.streamOf(3, 'data')).toThrow(/no member 3/);
    for (const e of [a, b, small, other]) e.dispose();
  });

  it('leaks nothing when predicting', () => {
    const e = ensemble(2, 3);
    assertNoTensorLeak(() => {
      const r = e.predict(x);
      tf.dispose([r.probabilities, r.mean]);
    });
    e.dispose();
  });
});
