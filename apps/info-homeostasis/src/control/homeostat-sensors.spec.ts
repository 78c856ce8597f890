import { Activation, DenseLocalReparam, Sequential } from '@cristal/bayesian';
import { RandomStream, tf } from '@cristal/tensor';
import { preActivationSnr, preActivationSnrByLayer } from '../sensors/pre-activation-snr';
import { Homeostat } from './homeostat';

describe('Homeostat with the real SNR sensor (fixed weights)', () => {
  it('finds the temperature the closed form predicts: SNR(T) = SNR(1) / T^2, so T* = 10^((SNR_dB(1) - r) / 20)', () => {
    const s = new RandomStream(51, 'snr-loop');
    const model = new Sequential([
      new DenseLocalReparam({ name: 'hidden', inputSize: 20, units: 16, rng: s, rhoInit: -2 }),
      new Activation('relu'),
      new DenseLocalReparam({ name: 'logits', inputSize: 16, units: 10, rng: s, rhoInit: -2.5 }),
    ]);
    const x = s.uniformTensor([32, 20]);
    const rng = new RandomStream(52, 'noise');
    const atOne = preActivationSnrByLayer(model.layers, x, rng);
    // ask each layer for 4 dB (hidden) and 2.5 dB (logits) less than it has at T = 1
    const target = { hidden: atOne.hidden.snrDb - 4, logits: atOne.logits.snrDb - 2.5 };
    const h = new Homeostat({ layers: ['hidden', 'logits'], updateEvery: 10, snr: { setPoint: { kind: 'fixed', value: target } } });
    const before = tf.memory().numTensors;
    let last = h.actuators();
    for (let update = 0; update < 60; update++) {
      const temperatures = Object.fromEntries(Object.entries(h.actuators()).map(([layer, a]) => [layer, a.noiseTemperature]));
      const snr = preActivationSnrByLayer(model.layers, x, rng, temperatures);
      last = h.update(update * 10, { snrDb: { hidden: snr.hidden.snrDb, logits: snr.logits.snrDb } }).actuators;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(last.hidden.noiseTemperature / 10 ** (4 / 20) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(last.logits.noiseTemperature / 10 ** (2.5 / 20) - 1)).toBeLessThan(1e-5);
    expect(last.hidden.klWeight).toBe(1);
    // and the sensor agrees at the temperature found
    const [hidden] = model.variationalLayers();
    const check = preActivationSnr(hidden, x, last.hidden.noiseTemperature);
    expect(check.snrDb).toBeCloseTo(target.hidden, 4);
    x.dispose();
    model.dispose();
  });
});
