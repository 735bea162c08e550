/**
 * The events of simulate's report and JUnit files, written while the run goes
 * (event-file.ts); each file is assembled around them once the summary is known.
 */
import type { EngineResult } from './engine.js';
import { IncrementalEventFile, type EventFileFormat } from './event-file.js';
import { JUNIT_FORMAT } from './junit.js';
import { REPORT_FORMAT, type ReportSummary } from './report.js';
import type { PreparedSimulation } from './simulate.js';
import type { EventOutcome } from './types.js';
import { writeFileAtomicStreamed } from '../store/write.js';

export class EventFiles {
  private constructor(private readonly files: ReadonlyMap<EventFileFormat<ReportSummary>, IncrementalEventFile>) {}

  /**
   * `reportNear`: a file in the directory the report will be written to (its events are
   * kept beside it, on the same file system); `junitFile`: the JUnit file. Neither: nothing.
   */
  static async open(files: { reportNear?: string | undefined; junitFile?: string | undefined }, prepared: PreparedSimulation): Promise<EventFiles> {
    const opened = new Map<EventFileFormat<ReportSummary>, IncrementalEventFile>();
    const near: [EventFileFormat<ReportSummary>, string | undefined][] = [
      [REPORT_FORMAT, files.reportNear],
      [JUNIT_FORMAT, files.junitFile],
    ];
    for (const [format, file] of near) {
      if (file !== undefined) opened.set(format, await IncrementalEventFile.create(file, prepared.events.count, format.during(prepared.settings)));
    }
    return new EventFiles(opened);
  }

  get any(): boolean {
    return this.files.size > 0;
  }

  finished(index: number, outcome: (index: number) => EventOutcome): void {
    for (const events of this.files.values()) events.finished(index, outcome);
  }

  async complete(report: ReportSummary, result: EngineResult): Promise<void> {
    const outcome = (index: number): EventOutcome => result.outcome(index);
    for (const [format, events] of this.files) await events.complete(outcome, format.after(report));
  }

  writeReport(file: string, report: ReportSummary): Promise<void> {
    return this.write(REPORT_FORMAT, file, report);
  }

  writeJunit(file: string, report: ReportSummary): Promise<void> {
    return this.write(JUNIT_FORMAT, file, report);
  }

  async discard(): Promise<void> {
    for (const events of this.files.values()) await events.discard();
  }

  private write(format: EventFileFormat<ReportSummary>, file: string, report: ReportSummary): Promise<void> {
    const events = this.files.get(format) as IncrementalEventFile;
    return writeFileAtomicStreamed(file, (write) => events.assemble(write, format.head(report), format.tail(report)));
  }
}
