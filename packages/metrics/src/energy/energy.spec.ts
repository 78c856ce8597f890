import { denseMacs, energyReport, ENERGY_PRESETS } from './energy';

describe('spike and energy accounting', () => {
  it('turns spike counts into rates, synaptic operations and energy per sample', () => {
    // 784-1000-10 SNN, T = 25, 2 samples: hidden layer fired 10,000 spikes in all, output 100
    const r = energyReport({
      layers: [
        { name: 'hidden', spikes: 10_000, neurons: 1000, fanOut: 10 },
        { name: 'output', spikes: 100, neurons: 10, fanOut: 0 },
      ],
      samples: 2,
      timeSteps: 25,
      macsPerSample: denseMacs([{ inFeatures: 784, outFeatures: 1000 }], 25), // direct-current first layer
    });
    expect(r.layers[0].firingRate).toBeCloseTo(10_000 / (1000 * 25 * 2), 12);
    expect(r.layers[0].sopsPerSample).toBe(50_000);
    expect(r.sopsPerSample).toBe(50_000);
    expect(r.macsPerSample).toBe(784 * 1000 * 25);
    expect(r.energyPerSampleJ).toBeCloseTo(784 * 1000 * 25 * 4.6e-12 + 50_000 * 0.9e-12, 15);
  });

  it('uses the 45 nm defaults (4.6 pJ per MAC, 0.9 pJ per accumulate) and other presets on request', () => {
    expect(ENERGY_PRESETS['fp32-45nm']).toMatchObject({ macPj: 4.6, acPj: 0.9 });
    const int8 = energyReport({ layers: [], samples: 1, timeSteps: 1, macsPerSample: 1e6, model: 'int8-45nm' });
    expect(int8.energyPerSampleJ).toBeCloseTo(1e6 * 0.23e-12, 18);
  });

  it('rejects impossible activity', () => {
    expect(() => energyReport({ layers: [{ name: 'h', spikes: 101, neurons: 10, fanOut: 1 }], samples: 1, timeSteps: 10 })).toThrow(
      'layer "h": 101 spikes exceed one per neuron per step',
    );
    expect(() => energyReport({ layers: [], samples: 1, timeSteps: 1, model: 'tpu' as 'fp32-45nm' })).toThrow('Unknown energy preset "tpu"');
  });
});
