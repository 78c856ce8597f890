import { eta, progressBar, progressLine, ProgressReporter } from './progress';

describe('progress', () => {
  it('estimates the remaining time from the rate so far', () => {
    expect(eta({ done: 25, total: 100, elapsedMs: 10_000, label: 'x' })).toBe('30s');
    expect(eta({ done: 0, total: 100, elapsedMs: 10_000, label: 'x' })).toBe('?');
    // after a resume, only the work of this process counts towards the rate
    expect(eta({ done: 60, total: 100, elapsedMs: 10_000, label: 'x', since: 50 })).toBe('40s');
  });

  it('draws a bar and a plain line', () => {
    expect(progressBar({ done: 5, total: 10, elapsedMs: 5000, label: 'train', info: { loss: 0.5 } }, 10)).toBe('train [#####.....]  50% 5/10 ETA 5s loss=0.5000');
    expect(progressLine({ done: 5, total: 10, elapsedMs: 5000, label: 'train' })).toBe('train: 5/10 (50%) elapsed 5s ETA 5s');
  });

  it('prints about ten plain lines off a TTY and redraws on a TTY', () => {
    const plain: string[] = [];
    let now = 0;
    const reporter = new ProgressReporter({ isTTY: false, write: (t) => plain.push(t) }, () => now);
    reporter.start(100, 'train');
    for (let i = 1; i <= 100; i++) {
      now += 10;
      reporter.update(i);
    }
    expect(plain).toHaveLength(11); // the first update, then one per tenth
    expect(plain.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    const tty: string[] = [];
    const bar = new ProgressReporter({ isTTY: true, write: (t) => tty.push(t) }, () => now);
    bar.start(3, 'train');
    for (let i = 1; i <= 3; i++) bar.update(i);
    bar.finish();
    expect(tty.slice(0, 3).every((t) => t.startsWith('\r'))).toBe(true);
    expect(tty[3]).toBe('\n');
  });
});
