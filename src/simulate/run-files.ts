/**
 * A run's files: the JSON report, JUnit XML and the HTML picture, for `simulate()`'s
 * `reportFile`, `junitFile` and `htmlFile` and the command's `--report`, `--junit` and
 * `--html` alike. The report's and JUnit's events go into temporary files while the run goes
 * (event-file.ts), so a million events never wait in memory as strings; every file is written
 * once the run, and whatever its caller adds to the report (`--check`, a reproduction), is
 * over. A stopped run's files hold what ran so far. The files of a run already over (read
 * from Artillery's reports) are the simple case: written whole, with no temporary file.
 */
import { ExitCode, HswError } from '../errors.js';
import { checkOutputFiles } from '../store/output-file.js';
import { writeFileAtomicStreamed } from '../store/write.js';
import type { EngineResult } from './engine.js';
import { IncrementalEventFile, writeEventFile, type EventFileFormat } from './event-file.js';
import { JUNIT_FORMAT } from './junit.js';
import type { OptionNames } from './option-table.js';
import { REPORT_FORMAT, type ReportSummary } from './report.js';
import type { EventOutcome, SimulateSettings } from './types.js';

/** Where each file goes; none given, nothing is written. */
export interface RunFileNames {
  reportFile?: string | undefined;
  junitFile?: string | undefined;
  htmlFile?: string | undefined;
}

const FILE_OPTIONS = ['reportFile', 'junitFile', 'htmlFile'] as const;
const EXAMPLE: Record<(typeof FILE_OPTIONS)[number], string> = { reportFile: 'simulate-report.json', junitFile: 'simulate.xml', htmlFile: 'simulate.html' };

/**
 * Before anything is sent: each file given is a path that can be written, or the run is
 * refused with one line that names it as the caller knows it (`--junit`, `junitFile`).
 */
export async function checkRunFiles(names: RunFileNames, optionNames: Pick<OptionNames, (typeof FILE_OPTIONS)[number]>): Promise<void> {
  for (const key of FILE_OPTIONS) {
    const file: unknown = names[key];
    if (file !== undefined && (typeof file !== 'string' || file === '')) {
      throw new HswError('HSW_BAD_VALUE', `${optionNames[key]} ${JSON.stringify(file)} is not a file path; give one, e.g. ${EXAMPLE[key]}`, { exitCode: ExitCode.usage, option: key });
    }
  }
  await checkOutputFiles(FILE_OPTIONS.flatMap((key) => (names[key] ? [{ name: optionNames[key], file: names[key], mode: 'replace' as const }] : [])));
}

export class RunFiles {
  private constructor(
    private readonly names: RunFileNames,
    /** The events of the report and JUnit, written while the run goes; none for a run already over. */
    private readonly during: ReadonlyMap<EventFileFormat<ReportSummary>, IncrementalEventFile>,
  ) {}

  /**
   * For a run about to start. `reportNear`: a file in the directory the report will be
   * written to when that is not `reportFile` (the command's `--check` reads a temporary one).
   */
  static async open(names: RunFileNames, run: { count: number; settings: SimulateSettings }, reportNear = names.reportFile): Promise<RunFiles> {
    const during = new Map<EventFileFormat<ReportSummary>, IncrementalEventFile>();
    const files = new RunFiles(names, during);
    const near: [EventFileFormat<ReportSummary>, string | undefined][] = [
      [REPORT_FORMAT, reportNear],
      [JUNIT_FORMAT, names.junitFile],
    ];
    try {
      for (const [format, file] of near) {
        if (file !== undefined) during.set(format, await IncrementalEventFile.create(file, run.count, format.during(run.settings)));
      }
    } catch (error) {
      await files.discard();
      throw error;
    }
    return files;
  }

  /** For a run already over: each file written whole. */
  static finished(names: RunFileNames): RunFiles {
    return new RunFiles(names, new Map());
  }

  /** runSimulation's hook, when there are events to write while the run goes. */
  get onEventFinished(): ((index: number, outcome: (index: number) => EventOutcome) => void) | undefined {
    if (this.during.size === 0) return undefined;
    return (index, outcome) => {
      for (const events of this.during.values()) events.finished(index, outcome);
    };
  }

  /** The run is over: the events not written yet, formatted knowing how it ended. */
  async complete(report: ReportSummary, result: EngineResult): Promise<void> {
    const outcome = (index: number): EventOutcome => result.outcome(index);
    for (const [format, events] of this.during) await events.complete(outcome, format.after(report));
  }

  /** Every file given, from the report as it now stands; the report at `reportFile` when the caller chose where only after the run. */
  async write(report: ReportSummary, result: EngineResult, reportFile = this.names.reportFile): Promise<void> {
    const { junitFile, htmlFile } = this.names;
    if (reportFile) await this.writeReport(reportFile, report, result);
    if (junitFile) await this.writeFormat(JUNIT_FORMAT, junitFile, report, result);
    if (htmlFile) await (await import('./storm-html.js')).writeStormHtml(htmlFile, report, result);
  }

  /** The report file, at `file` (the command's `--check` reads one before the rest are written). */
  writeReport(file: string, report: ReportSummary, result: EngineResult): Promise<void> {
    return this.writeFormat(REPORT_FORMAT, file, report, result);
  }

  /** The temporary files go; the files written stay. */
  async discard(): Promise<void> {
    for (const events of this.during.values()) await events.discard();
  }

  private writeFormat(format: EventFileFormat<ReportSummary>, file: string, report: ReportSummary, result: EngineResult): Promise<void> {
    const events = this.during.get(format);
    return writeFileAtomicStreamed(file, (write) => (events ? events.assemble(write, format.head(report), format.tail(report)) : writeEventFile(write, format, report, result)));
  }
}
