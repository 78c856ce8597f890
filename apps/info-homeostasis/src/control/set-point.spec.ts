import { checkSetPointState, currentSetPoint, earlySetPoint, fixedSetPoint, updateSetPoint, type SetPointState } from './set-point';

/** Feeds the measurements in order; returns what each update saw and the final state. */
function feed(state: SetPointState, measurements: number[]): { setPoints: (number | null)[]; state: SetPointState } {
  const setPoints: (number | null)[] = [];
  for (const m of measurements) {
    const r = updateSetPoint(state, m);
    setPoints.push(r.setPoint);
    state = r.state;
  }
  return { setPoints, state };
}

describe('fixedSetPoint', () => {
  it('is its value from the first update, whatever is measured', () => {
    const r = feed(fixedSetPoint(-2.5), [1, 100, -7]);
    expect(r.setPoints).toEqual([-2.5, -2.5, -2.5]);
    expect(() => fixedSetPoint(Number.NaN)).toThrow(/finite number, got NaN/);
  });
});

describe('earlySetPoint', () => {
  it('records the first N updates (holding: null), then freezes at their median plus the offset', () => {
    const start = earlySetPoint({ warmupUpdates: 4, statistic: 'median', offset: -3 });
    // median of 5, 1, 9, 2 is (2 + 5) / 2 = 3.5; minus 3 gives 0.5
    const r = feed(start, [5, 1, 9, 2, 40, -40]);
    expect(r.setPoints).toEqual([null, null, null, null, 0.5, 0.5]);
    expect(currentSetPoint(r.state)).toBe(0.5);
    expect((r.state as { recorded: number[] }).recorded).toEqual([5, 1, 9, 2]);
    expect(start.recorded).toEqual([]); // pure: the first state is untouched
  });

  it('with a delay, ignores the first D updates, then records the next N', () => {
    const start = earlySetPoint({ delayUpdates: 3, warmupUpdates: 2, statistic: 'mean' });
    // 100, -100 and 7 fall in the delay; the set point is the mean of 1 and 3
    const r = feed(start, [100, -100, 7, 1, 3, 50]);
    expect(r.setPoints).toEqual([null, null, null, null, null, 2]);
    expect(r.state).toMatchObject({ skipped: 3, recorded: [1, 3], value: 2 });
    // a diverged reading during the delay is not the set point's business (the sensor's log shows it)
    expect(feed(start, [Number.NaN, 1]).state).toMatchObject({ skipped: 2, recorded: [] });
    expect(() => earlySetPoint({ delayUpdates: -1, warmupUpdates: 2, statistic: 'mean' })).toThrow(/delayUpdates must be a non-negative integer/);
    expect(() => earlySetPoint({ delayUpdates: 0.5, warmupUpdates: 2, statistic: 'mean' })).toThrow(/non-negative integer/);
  });

  it('survives a JSON round trip mid-delay, and reads checkpoints written before the delay existed', () => {
    const measurements = [5, 6, 7, 8, 9, 10];
    const whole = feed(earlySetPoint({ delayUpdates: 3, warmupUpdates: 2, statistic: 'median' }), measurements);
    const half = feed(earlySetPoint({ delayUpdates: 3, warmupUpdates: 2, statistic: 'median' }), measurements.slice(0, 2));
    const rest = feed(checkSetPointState(JSON.parse(JSON.stringify(half.state)), 'x'), measurements.slice(2));
    expect([...half.setPoints, ...rest.setPoints]).toEqual(whole.setPoints);
    expect(rest.state).toEqual(whole.state);
    const legacy = checkSetPointState({ kind: 'early', warmupUpdates: 2, statistic: 'mean', offset: 0, recorded: [1], value: null }, 'x');
    expect(legacy).toMatchObject({ delayUpdates: 0, skipped: 0 });
    expect(updateSetPoint(legacy, 3).state).toMatchObject({ value: 2 });
    expect(() => checkSetPointState({ ...earlySetPoint({ delayUpdates: 2, warmupUpdates: 2, statistic: 'mean' }), skipped: 1, recorded: [1] }, 'kl loop')).toThrow(
      /nothing can be recorded before the delay is over/,
    );
    expect(() => checkSetPointState({ ...earlySetPoint({ delayUpdates: 2, warmupUpdates: 2, statistic: 'mean' }), skipped: 3 }, 'kl loop')).toThrow(/skipped must be an integer from 0 to delayUpdates/);
  });

  it('uses the mean, and the middle value for an odd count', () => {
    expect(feed(earlySetPoint({ warmupUpdates: 3, statistic: 'mean' }), [1, 2, 6, 0]).setPoints[3]).toBe(3);
    expect(feed(earlySetPoint({ warmupUpdates: 3, statistic: 'median' }), [1, 2, 6, 0]).setPoints[3]).toBe(2);
  });

  it('refuses bad options and a diverged warm-up measurement', () => {
    expect(() => earlySetPoint({ warmupUpdates: 0, statistic: 'mean' })).toThrow(/warmupUpdates must be a positive integer/);
    expect(() => earlySetPoint({ warmupUpdates: 2.5, statistic: 'mean' })).toThrow(/positive integer/);
    expect(() => earlySetPoint({ warmupUpdates: 2, statistic: 'mode' as 'mean' })).toThrow(/statistic must be 'mean' or 'median', got 'mode'/);
    expect(() => earlySetPoint({ warmupUpdates: 2, statistic: 'mean', offset: Infinity })).toThrow(/offset must be a finite number/);
    expect(() => updateSetPoint(earlySetPoint({ warmupUpdates: 2, statistic: 'mean' }), Number.NaN, 'snr loop, layer l1')).toThrow(
      /snr loop, layer l1: measurement NaN during the set-point warm-up \(update 1 of 2\)/,
    );
  });

  it('survives a JSON round trip mid-warm-up and continues identically', () => {
    const measurements = [0.3, 0.1, 0.7, 0.2, 0.9, 0.4];
    const whole = feed(earlySetPoint({ warmupUpdates: 5, statistic: 'median', offset: 0.1 }), measurements);
    const half = feed(earlySetPoint({ warmupUpdates: 5, statistic: 'median', offset: 0.1 }), measurements.slice(0, 2));
    const restored = checkSetPointState(JSON.parse(JSON.stringify(half.state)), 'x');
    const rest = feed(restored, measurements.slice(2));
    expect([...half.setPoints, ...rest.setPoints]).toEqual(whole.setPoints);
    expect(rest.state).toEqual(whole.state);
  });

  it('checkSetPointState refuses inconsistent checkpoints', () => {
    expect(() => checkSetPointState({ kind: 'early', warmupUpdates: 2, statistic: 'mean', offset: 0, recorded: [1, 2], value: null }, 'kl loop')).toThrow(
      /kl loop: invalid set-point state in the checkpoint \(value must be a finite number exactly when the warm-up is complete\)/,
    );
    expect(() => checkSetPointState({ kind: 'sliding' }, 'kl loop')).toThrow(/unknown kind 'sliding'/);
    expect(() => checkSetPointState({ kind: 'fixed', value: 'x' }, 'kl loop')).toThrow(/fixed set point needs a finite value/);
  });
});
