export interface ConfigIssue {
  /** Where the problem is: an environment variable name or a path in the org config (`departments[1].sla.high.resolution`). */
  path: string;
  message: string;
}

/** Invalid configuration: lists every problem at once, so one fix-and-retry round is enough. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(title: string, issues: ConfigIssue[]) {
    super([title, ...issues.map((issue) => `  - ${issue.path}: ${issue.message}`)].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
