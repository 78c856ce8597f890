import { assertSeed, RandomStream, type RandomStreamState } from './random-stream';

/** The streams every experiment uses; any other name is allowed too. */
export const STREAM_NAMES = ['init', 'data', 'noise', 'sampling'] as const;
export type StandardStreamName = (typeof STREAM_NAMES)[number];

/**
 * A run's randomness: one seed, independent named streams. `stream(name)` returns the same object
 * each time, so a consumer that keeps drawing advances its own stream and nobody else's.
 */
export class RandomStreams {
  readonly seed: number;
  private readonly streams = new Map<string, RandomStream>();

  constructor(seed: number) {
    assertSeed(seed);
    this.seed = seed;
  }

  stream(name: StandardStreamName | (string & {})): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }

  get init(): RandomStream {
    return this.stream('init');
  }
  get data(): RandomStream {
    return this.stream('data');
  }
  get noise(): RandomStream {
    return this.stream('noise');
  }
  get sampling(): RandomStream {
    return this.stream('sampling');
  }

  /** The position of every stream used so far, for a checkpoint. */
  getState(): { seed: number; streams: RandomStreamState[] } {
    return { seed: this.seed, streams: [...this.streams.values()].map((s) => s.getState()) };
  }

  static fromState(state: { seed: number; streams: RandomStreamState[] }): RandomStreams {
    const streams = new RandomStreams(state.seed);
    for (const s of state.streams) streams.stream(s.path).setState(s);
    return streams;
  }
}
