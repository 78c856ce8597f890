/**
 * Every failure to read, check or run a model file is an `OnnxModelError` whose message starts with
 * the file (or `<bytes>` when there is none), so `lab bench` can print it as is for a foreign model.
 */
export class OnnxModelError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'OnnxModelError';
  }
}
