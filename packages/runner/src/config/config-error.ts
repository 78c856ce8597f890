/** One problem in a resolved config, located by its dotted key path. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Bad user input (config, arguments, experiment name): the CLI exits with code 2 on these. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly issues: readonly ConfigIssue[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n');
}

export function configError(source: string, issues: readonly ConfigIssue[]): UsageError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new UsageError(`Invalid config for ${source} (${count}):\n${formatIssues(issues)}`, issues);
}
