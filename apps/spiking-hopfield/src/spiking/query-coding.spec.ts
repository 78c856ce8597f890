import { tf, RandomStream, type Tensor } from '@cristal/tensor';
import { disposeQueryCode, encodeQuery } from './query-coding';
import { numbers } from './spiking.test-helpers';

function spikeArray(t: Tensor): number[][][] {
  return t.arraySync() as number[][][];
}

describe('encodeQuery: rate coding on ON/OFF channels', () => {
  it('fires input j with probability gain |xi_j| / scale per step, with the sign of xi_j, and never for zeros', () => {
    const steps = 4000;
    const gain = 0.8;
    const q = tf.tensor2d([
      [2, -1, 0, 0.5],
      [-0.25, 0.25, 1, -1],
    ]);
    const code = encodeQuery(q, { coding: 'rate', steps, gain, stream: new RandomStream(1, 'rate') });
    expect(code.spikes.shape).toEqual([steps, 2, 4]);
    expect(numbers(code.scale)).toEqual([2, 1]); // per-query max |xi|
    const s = spikeArray(code.spikes);
    const x = q.arraySync();
    const scale = [2, 1];
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 4; j++) {
        let count = 0;
        let wrongSign = 0;
        for (let t = 0; t < steps; t++) {
          const v = s[t][b][j];
          if (v !== 0 && v !== 1 && v !== -1) throw new Error(`spike value ${v}`);
          if (v !== 0) count++;
          if (v !== 0 && Math.sign(v) !== Math.sign(x[b][j])) wrongSign++;
        }
        const p = (gain * Math.abs(x[b][j])) / scale[b];
        expect(wrongSign).toBe(0);
        if (p === 0) expect(count).toBe(0);
        else expect(Math.abs(count - steps * p)).toBeLessThan(4.5 * Math.sqrt(steps * p * (1 - p)) + 1e-9);
      }
    }
    disposeQueryCode(code);
    q.dispose();
  });

  it('codes an all-zero query with scale 1 and no spikes; a fixed scale must bound |xi|', () => {
    const q = tf.tensor2d([
      [0, 0],
      [0.5, -0.25],
    ]);
    const code = encodeQuery(q, { coding: 'rate', steps: 5, stream: new RandomStream(2, 'rate') });
    expect(numbers(code.scale)).toEqual([1, 0.5]);
    expect(tf.sum(tf.abs(tf.slice(code.spikes, [0, 0, 0], [5, 1, 2]))).dataSync()[0]).toBe(0);
    disposeQueryCode(code);
    const fixed = encodeQuery(q, { coding: 'rate', steps: 3, scale: 0.5, stream: new RandomStream(2, 'rate') });
    expect(numbers(fixed.scale)).toEqual([0.5, 0.5]);
    disposeQueryCode(fixed);
    expect(() => encodeQuery(q, { coding: 'rate', steps: 3, scale: 0.4, stream: new RandomStream(2, 'rate') })).toThrow(/below the largest \|query value\| 0.5.*Raise scale/);
    q.dispose();
  });

  it('is reproducible from the seed', () => {
    const q = tf.tensor2d([[0.3, -0.9, 0.5]]);
    const a = encodeQuery(q, { coding: 'rate', steps: 20, stream: new RandomStream(7, 'rate') });
    const b = encodeQuery(q, { coding: 'rate', steps: 20, stream: new RandomStream(7, 'rate') });
    const c = encodeQuery(q, { coding: 'rate', steps: 20, stream: new RandomStream(8, 'rate') });
    expect(numbers(a.spikes)).toEqual(numbers(b.spikes));
    expect(numbers(a.spikes)).not.toEqual(numbers(c.spikes));
    [a, b, c].forEach(disposeQueryCode);
    q.dispose();
  });
});

describe('encodeQuery: latency coding', () => {
  it('fires each nonzero input once at t = (T - 1)(1 - |xi| / scale) with its sign, zeros never', () => {
    const steps = 11;
    const values = [1, -0.9, 0.5, -0.3, 0.1, 0, 0.04];
    const q = tf.tensor2d([values]);
    const code = encodeQuery(q, { coding: 'latency', steps });
    const s = spikeArray(code.spikes);
    values.forEach((x, j) => {
      const times = s.map((step, t) => (step[0][j] !== 0 ? t : -1)).filter((t) => t >= 0);
      if (Math.abs(x) < 0.5 / (steps - 1)) {
        expect(times).toEqual([]); // would round to the last step and carry nothing
      } else {
        expect(times).toEqual([Math.round((steps - 1) * (1 - Math.abs(x)))]);
        expect(s[times[0]][0][j]).toBe(Math.sign(x));
      }
    });
    disposeQueryCode(code);
    q.dispose();
  });
});

describe('encodeQuery: bad input', () => {
  const stream = new RandomStream(0, 'bad');
  const q = tf.tensor2d([[0.5, -0.5]]);
  afterAll(() => q.dispose());
  it.each([
    ['rank', () => encodeQuery(tf.tensor1d([1, 2]), { coding: 'rate', steps: 3, stream }), /\[B, d\]/],
    ['NaN', () => encodeQuery(tf.tensor2d([[Number.NaN, 1]]), { coding: 'rate', steps: 3, stream }), /queries/],
    ['steps', () => encodeQuery(q, { coding: 'rate', steps: 0, stream }), /steps \(input window\) must be an integer >= 1/],
    ['latency steps', () => encodeQuery(q, { coding: 'latency', steps: 1 }), /must be an integer >= 2/],
    ['gain', () => encodeQuery(q, { coding: 'rate', steps: 3, gain: 1.5, stream }), /gain must be in \(0, 1\]/],
    ['stream', () => encodeQuery(q, { coding: 'rate', steps: 3 }), /rate coding needs a seeded stream/],
    ['coding', () => encodeQuery(q, { coding: 'phase' as 'rate', steps: 3, stream }), /coding must be 'rate' or 'latency'/],
    ['scale', () => encodeQuery(q, { coding: 'rate', steps: 3, scale: -1, stream }), /scale must be a positive finite number/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
