/**
 * The static shape pass (or the MAC counter on top of it) could not give an exact count for this
 * graph: an operator it has no rule for, a shape it cannot resolve without running the model, or a
 * node whose cost is not a fixed amount per sample. The leaderboard shows 'n/a' for such a model
 * rather than a number that might be wrong; `node` and `op` say where to look.
 */
export class StaticShapeError extends Error {
  constructor(
    /** The node's name (or `<unnamed #i ...>`), or a graph input's description; '' for the model itself. */
    readonly node: string,
    /** The node's operator, or '' when the problem is not a node's. */
    readonly op: string,
    detail: string,
  ) {
    super(`cannot count MACs: ${op ? `node '${node}' (op ${op})` : node} ${detail}`);
    this.name = 'StaticShapeError';
  }
}
