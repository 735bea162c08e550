/**
 * GitHub Actions' log around a run: the app's output and the run's progress folded into one
 * group, and an `::error` where GitHub shows it. Nothing outside GitHub Actions. In `--json`
 * mode stdout carries NDJSON only, and GitHub reads workflow commands on stderr too.
 */
import type { Output } from '../ui/output.js';
import type { GitHubEnvironment } from './github.js';

export class WorkflowLog {
  private grouped = false;

  constructor(
    private readonly github: GitHubEnvironment | null,
    private readonly output: Output,
  ) {}

  /** A workflow command, where GitHub reads it. */
  readonly print = (line: string): void => (this.output.json ? this.output.note(line) : this.output.line(line));

  group(title: string): void {
    if (!this.github) return;
    this.print(`::group::${title}`);
    this.grouped = true;
  }

  endGroup(): void {
    if (this.grouped) this.print('::endgroup::');
    this.grouped = false;
  }

  async error(title: string, message: string): Promise<void> {
    if (!this.github) return;
    const { workflowCommandData } = await import('./github.js');
    this.print(`::error title=${title}::${workflowCommandData(message)}`);
  }
}
