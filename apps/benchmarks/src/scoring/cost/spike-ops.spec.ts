import { SPIKE_COUNTS } from '@cristal/spiking';
import { MACS_PER_SAMPLE_KEY, SPIKE_COUNTS_OUTPUT, SPIKE_FANOUT_KEY, parseMacsPerSample, parseSpikeFanout, sopsPerSample, spikeCostMetadataProps } from './spike-ops';

describe('sopsPerSample', () => {
  it('is the mean over samples of sum_c counts x fan-out, checked by hand', () => {
    // sample 0: 2 x 10 + 1 x 5 + 0 x 0 = 25; sample 1: 4 x 10 + 3 x 5 + 5 x 0 = 55; mean 40
    const counts = Float32Array.from([2, 1, 0, 4, 3, 5]);
    expect(sopsPerSample(counts, 2, [10, 5, 0])).toBe(40);
    // the same rows as one batch of 2 or any other split give the same mean; one column works too
    expect(sopsPerSample(Float32Array.from([3, 0, 9]), 3, [400])).toBe(1600);
  });

  it('says when the spike_counts columns and the fan-out disagree', () => {
    expect(() => sopsPerSample(Float32Array.from([1, 2, 3, 4]), 2, [10, 5, 1])).toThrow(/spike_counts has 2 column\(s\) per sample \(4 values for 2 samples\) but 'spike_fanout' lists 3 fan-out\(s\)/);
    expect(() => sopsPerSample(Float32Array.from([1, 2, 3]), 2, [10])).toThrow(/3 values, not a whole number of columns for 2 samples/);
  });

  it('refuses negative, NaN or infinite counts, naming the entry', () => {
    expect(() => sopsPerSample(Float32Array.from([1, 2, -1, 4]), 2, [1, 1])).toThrow(/spike_counts\[1, 0\] is -1/);
    expect(() => sopsPerSample(Float32Array.from([1, NaN]), 1, [1, 1])).toThrow(/spike_counts\[0, 1\] is NaN/);
    expect(() => sopsPerSample(Float32Array.from([Infinity]), 1, [1])).toThrow(/is Infinity/);
  });

  it('refuses a bad batch or fan-out', () => {
    expect(() => sopsPerSample(Float32Array.from([1]), 0, [1])).toThrow(/batch must be a positive integer/);
    expect(() => sopsPerSample(Float32Array.from([1]), 1, [-2])).toThrow(/fan-out -2 at column 0/);
    expect(() => sopsPerSample(Float32Array.from([1]), 1, [1.5])).toThrow(/fan-out 1.5 at column 0/);
  });
});

describe('spike cost metadata', () => {
  it('uses the output name the spiking exporter writes', () => {
    expect(SPIKE_COUNTS_OUTPUT).toBe(SPIKE_COUNTS);
  });

  it('writes and reads back the two keys in their exact formats', () => {
    const props = spikeCostMetadataProps({ macsPerSample: 784 * 1000, spikeFanout: [10, 0] });
    expect(props).toEqual({ [MACS_PER_SAMPLE_KEY]: '784000', [SPIKE_FANOUT_KEY]: '10,0' });
    expect(MACS_PER_SAMPLE_KEY).toBe('macs_per_sample');
    expect(SPIKE_FANOUT_KEY).toBe('spike_fanout');
    expect(parseMacsPerSample(props[MACS_PER_SAMPLE_KEY])).toBe(784000);
    expect(parseSpikeFanout(props[SPIKE_FANOUT_KEY])).toEqual([10, 0]);
  });

  it('reads lenient spacing but refuses anything that is not a list of counts', () => {
    expect(parseSpikeFanout(' 400, 10 ,0')).toEqual([400, 10, 0]);
    for (const bad of ['', '400,,10', '4.5', '-1', '10;20', 'ten']) expect(() => parseSpikeFanout(bad)).toThrow(/metadata 'spike_fanout' is .* is not a non-negative integer/);
  });

  it('reads macs_per_sample as a plain non-negative number only', () => {
    expect(parseMacsPerSample('0')).toBe(0);
    expect(parseMacsPerSample('1.5e6')).toBe(1.5e6);
    for (const bad of ['', ' ', '-5', 'NaN', 'Infinity', '0x10', '12 MACs']) expect(() => parseMacsPerSample(bad)).toThrow(/metadata 'macs_per_sample' is .*expected a non-negative decimal number/);
  });

  it('refuses to write metadata it could not read back', () => {
    expect(() => spikeCostMetadataProps({ macsPerSample: -1, spikeFanout: [1] })).toThrow(/macsPerSample must be a finite number >= 0/);
    expect(() => spikeCostMetadataProps({ macsPerSample: 1, spikeFanout: [] })).toThrow(/one entry per spike_counts column/);
    expect(() => spikeCostMetadataProps({ macsPerSample: 1, spikeFanout: [0.5] })).toThrow(/fan-out 0.5 at column 0/);
  });
});
