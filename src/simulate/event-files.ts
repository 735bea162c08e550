/**
 * The events of simulate's report and JUnit files, written while the run goes
 * (event-file.ts); each file is assembled around them once the summary is known.
 */
import type { EngineResult } from './engine.js';
import { IncrementalEventFile } from './event-file.js';
import { junitHead, junitTail, testcase, testcaseTerms, type TestcaseTerms } from './junit.js';
import { REPORT_TAIL, reportEventLine, reportHead, type ReportSummary } from './report.js';
import type { PreparedSimulation } from './simulate.js';
import type { EventOutcome } from './types.js';
import { attemptDueAt } from './validate.js';
import { writeFileAtomicStreamed } from '../store/write.js';
import { round } from '../round.js';

export class EventFiles {
  private constructor(
    private readonly report: IncrementalEventFile | undefined,
    private readonly junit: IncrementalEventFile | undefined,
  ) {}

  /**
   * `reportNear`: a file in the directory the report will be written to (its events are
   * kept beside it, on the same file system); `junitFile`: the JUnit file. Neither: nothing.
   */
  static async open(files: { reportNear?: string | undefined; junitFile?: string | undefined }, prepared: PreparedSimulation): Promise<EventFiles> {
    const count = prepared.events.count;
    const { reportNear } = files;
    const report = reportNear ? await IncrementalEventFile.create(reportNear, count, (outcome, position) => reportEventLine(outcome, position === 0)) : undefined;
    // Only events that never finished mention why the run stopped; those are written after it.
    const { settings } = prepared;
    const terms: TestcaseTerms = {
      maxAttempts: settings.maxAttempts,
      maxLatencyMs: settings.maxLatencyMs ?? null,
      timeScale: round(settings.scale, 3),
      lastAttemptDueMs: attemptDueAt(settings.schedule, settings.maxAttempts),
      interrupted: undefined,
    };
    const junit = files.junitFile ? await IncrementalEventFile.create(files.junitFile, count, (outcome) => testcase(outcome, terms)) : undefined;
    return new EventFiles(report, junit);
  }

  get any(): boolean {
    return Boolean(this.report ?? this.junit);
  }

  finished(index: number, outcome: (index: number) => EventOutcome): void {
    this.report?.finished(index, outcome);
    this.junit?.finished(index, outcome);
  }

  async complete(report: ReportSummary, result: EngineResult): Promise<void> {
    const outcome = (index: number): EventOutcome => result.outcome(index);
    const terms = testcaseTerms(report);
    await this.report?.complete(outcome);
    await this.junit?.complete(outcome, (event) => testcase(event, terms));
  }

  writeReport(file: string, report: ReportSummary): Promise<void> {
    const events = this.report as IncrementalEventFile;
    return writeFileAtomicStreamed(file, (write) => events.assemble(write, reportHead(report), REPORT_TAIL));
  }

  writeJunit(file: string, report: ReportSummary): Promise<void> {
    const events = this.junit as IncrementalEventFile;
    return writeFileAtomicStreamed(file, (write) => events.assemble(write, junitHead(report), junitTail(report)));
  }

  async discard(): Promise<void> {
    await this.report?.discard();
    await this.junit?.discard();
  }
}
