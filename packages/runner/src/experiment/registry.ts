import { UsageError } from '../config/config-error';
import { closestNames } from '../config/edit-distance';
import type { Experiment } from './define-experiment';

/** Where experiments come from: loaded lazily per project, because loading an app loads TF.js. */
export interface ExperimentSource {
  project: string;
  load: () => readonly Experiment[];
}

export interface QualifiedExperiment {
  project: string;
  experiment: Experiment;
}

export class ExperimentRegistry {
  private readonly loaded = new Map<string, readonly Experiment[]>();

  constructor(private readonly sources: readonly ExperimentSource[]) {}

  projects(): string[] {
    return this.sources.map((s) => s.project);
  }

  experimentsOf(project: string): readonly Experiment[] {
    const cached = this.loaded.get(project);
    if (cached) return cached;
    const source = this.sources.find((s) => s.project === project);
    if (!source) return [];
    const experiments = source.load();
    this.loaded.set(project, experiments);
    return experiments;
  }

  all(): QualifiedExperiment[] {
    return this.projects().flatMap((project) => this.experimentsOf(project).map((experiment) => ({ project, experiment })));
  }

  /** `project:experiment` -> the experiment, or a UsageError naming the closest known names. */
  get(qualified: string): QualifiedExperiment {
    const colon = qualified.indexOf(':');
    if (colon <= 0) throw new UsageError(`Expected <project>:<experiment>, got "${qualified}".`);
    const project = qualified.slice(0, colon);
    const name = qualified.slice(colon + 1);
    if (this.projects().includes(project)) {
      const experiment = this.experimentsOf(project).find((e) => e.name === name);
      if (experiment) return { project, experiment };
      const near = closestNames(name, this.experimentsOf(project).map((e) => e.name)).map((n) => `${project}:${n}`);
      throw unknown(qualified, near);
    }
    const near = closestNames(project, this.projects());
    const candidates = near.flatMap((p) => this.experimentsOf(p).map((e) => `${p}:${e.name}`));
    throw unknown(qualified, closestNames(qualified, candidates).length > 0 ? closestNames(qualified, candidates) : near.map((p) => `${p}:...`));
  }
}

function unknown(name: string, near: string[]): UsageError {
  const hint = near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ' `lab list` shows the experiments.';
  return new UsageError(`Unknown experiment "${name}".${hint}`);
}
