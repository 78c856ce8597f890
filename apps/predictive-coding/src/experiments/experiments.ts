// The experiments `lab run predictive-coding:<name>` finds (exported from src/index.ts).
import { bayesian } from './bayesian.experiment';
import { equivalence } from './equivalence.experiment';
import { pcVsBp } from './pc-vs-bp.experiment';
import { spikingOnline } from './spiking-online.experiment';

export const experiments = [pcVsBp, equivalence, bayesian, spikingOnline];
