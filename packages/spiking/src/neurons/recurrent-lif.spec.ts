import { tf } from '@cristal/tensor';
import { lifParameters, lifStep } from './lif';
import { recurrentLifInitialState, recurrentLifParameters, recurrentLifStep } from './recurrent-lif';

describe('recurrent LIF', () => {
  it('delivers a spike to its targets one step later, weighted by W_rec', () => {
    tf.tidy(() => {
      // Neuron 0 is kicked over threshold at step 1; neuron 1 only listens to neuron 0 (weight 0.7).
      const w = tf.tensor2d([[0, 0.7], [0, 0]]);
      const p = recurrentLifParameters({ beta: 0.5, threshold: 1, reset: 'zero', recurrentWeights: w });
      let state = recurrentLifInitialState(1, 2);
      const inputs = [[1.5, 0], [0, 0], [0, 0]];
      const u: number[][] = [];
      const s: number[][] = [];
      for (const x of inputs) {
        const out = recurrentLifStep(tf.tensor2d([x]), state, p);
        u.push(Array.from(out.u.dataSync()));
        s.push(Array.from(out.spikes.dataSync()));
        state = out.state;
      }
      expect(s).toEqual([[1, 0], [0, 0], [0, 0]]);
      expect(u[0][1]).toBe(0); // nothing arrives in the spike's own step
      expect(u[1][1]).toBeCloseTo(0.7, 6); // W_rec[0][1] one step later
      expect(u[2][1]).toBeCloseTo(0.35, 6); // then it leaks
      expect(u[1][0]).toBe(0); // reset to zero and no self-connection
    });
  });

  it('a strong enough connection makes the target fire in the next step: a spike relay', () => {
    tf.tidy(() => {
      const w = tf.tensor2d([[0, 1.2, 0], [0, 0, 1.2], [0, 0, 0]]);
      const p = recurrentLifParameters({ beta: 0.9, threshold: 1, recurrentWeights: w });
      let state = recurrentLifInitialState(1, 3);
      const fired: number[][] = [];
      for (let t = 0; t < 4; t++) {
        const out = recurrentLifStep(tf.tensor2d([[t === 0 ? 1.5 : 0, 0, 0]]), state, p);
        fired.push(Array.from(out.spikes.dataSync()));
        state = out.state;
      }
      expect(fired).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]);
    });
  });

  it('with W_rec = 0 it is the LIF neuron', () => {
    tf.tidy(() => {
      const input = tf.tensor2d([[0.4, 0.9], [1.3, 0.1]]);
      const p = recurrentLifParameters({ beta: 0.8, threshold: 1, recurrentWeights: tf.zeros([2, 2]) });
      let r = recurrentLifInitialState(2, 2);
      let l = { v: tf.zeros([2, 2]) };
      for (let t = 0; t < 10; t++) {
        const a = recurrentLifStep(input, r, p);
        const b = lifStep(input, l, lifParameters({ beta: 0.8, threshold: 1 }));
        expect(Array.from(a.spikes.dataSync())).toEqual(Array.from(b.spikes.dataSync()));
        expect(Array.from(a.state.v.dataSync())).toEqual(Array.from(b.state.v.dataSync()));
        r = a.state;
        l = b.state;
      }
    });
  });

  it('rejects a recurrent matrix that is not square', () => {
    tf.tidy(() => {
      expect(() => recurrentLifParameters({ beta: 0.9, recurrentWeights: tf.zeros([2, 3]) })).toThrow('recurrentWeights must be a square [N, N] matrix, got [2, 3].');
    });
  });
});
