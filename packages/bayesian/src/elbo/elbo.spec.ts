import { tf, type Scalar } from '@cristal/tensor';
import { categoricalNll, elboLoss } from './elbo';

describe('the ELBO per example', () => {
  it('is mean NLL + beta KL / N, with N the training-set size', () => {
    tf.tidy(() => {
      const nll = tf.tensor1d([0.5, 1.5, 2.5, 3.5]);
      const kl = tf.scalar(120000) as Scalar;
      const t = elboLoss({ nllPerExample: nll, kl, datasetSize: 60000, klWeight: 0.5 });
      expect(t.nll.dataSync()[0]).toBeCloseTo(2, 6);
      expect(t.klTerm.dataSync()[0]).toBeCloseTo(1, 6); // 0.5 * 120000 / 60000
      expect(t.loss.dataSync()[0]).toBeCloseTo(3, 6);
      // beta defaults to 1: the true ELBO divided by N
      expect(elboLoss({ nllPerExample: nll, kl, datasetSize: 60000 }).loss.dataSync()[0]).toBeCloseTo(4, 6);
    });
  });

  it('does not depend on the batch size for the same per-example NLL (mean, not sum)', () => {
    tf.tidy(() => {
      const kl = tf.scalar(10) as Scalar;
      const small = elboLoss({ nllPerExample: tf.fill([8], 0.7), kl, datasetSize: 1000 }).loss.dataSync()[0];
      const large = elboLoss({ nllPerExample: tf.fill([512], 0.7), kl, datasetSize: 1000 }).loss.dataSync()[0];
      expect(small).toBeCloseTo(large, 6);
    });
  });

  it('refuses inputs that hide a mean-vs-sum or N-vs-B mistake', () => {
    tf.tidy(() => {
      const kl = tf.scalar(1) as Scalar;
      expect(() => elboLoss({ nllPerExample: tf.scalar(2), kl, datasetSize: 100 })).toThrow(/one value per example/);
      expect(() => elboLoss({ nllPerExample: tf.ones([4, 1]), kl, datasetSize: 100 })).toThrow(/one value per example/);
      expect(() => elboLoss({ nllPerExample: tf.ones([4]), kl: tf.ones([3]) as unknown as Scalar, datasetSize: 100 })).toThrow(/scalar/);
      expect(() => elboLoss({ nllPerExample: tf.ones([128]), kl, datasetSize: 64 })).toThrow(/training-set size/);
      expect(() => elboLoss({ nllPerExample: tf.ones([4]), kl, datasetSize: 100, klWeight: -1 })).toThrow(/klWeight/);
    });
  });

  it('categorical NLL is -log softmax(logits)[y] per example', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([
        [2, 0, -1],
        [0, 0, 0],
      ]);
      const nll = categoricalNll(logits, [0, 2]).arraySync() as number[];
      const lse = Math.log(Math.exp(2) + 1 + Math.exp(-1));
      expect(nll[0]).toBeCloseTo(lse - 2, 6);
      expect(nll[1]).toBeCloseTo(Math.log(3), 6);
      expect(() => categoricalNll(logits, [0])).toThrow(/2 labels/);
    });
  });
});
