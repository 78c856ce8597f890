import { leaderboard } from './leaderboard/leaderboard.experiment';

/** The benchmarks app's runner experiments (`lab run benchmarks:<name>`). */
export const experiments = [leaderboard];
