/**
 * listen's fixtures: each request's fixture is begun as soon as the request is read (its temp
 * file is created while the handler works; the head, which holds the body, is serialized
 * then and written with the answer in one write) and finished with the handler's answer.
 * `finish` resolves only once the fixture is durable under its final name, which is what
 * lets listen promise "answered 2xx means on disk".
 */
import { resolve } from 'node:path';
import { ExitCode, HswError, describeError, isHswError } from '../errors.js';
import { checkWritableDirectory } from '../store/directory.js';
import { DurableDirectory, type DraftFile } from '../store/durable.js';
import { fixtureFileName, insideDirectory } from '../store/name.js';
import { tidyTempFiles, type TidyResult } from '../store/tidy.js';
import type { Fixture, FixtureResponse } from '../store/types.js';
import { fixtureHead, fixtureTail } from '../store/write.js';

export class ListenRecorder {
  private readonly directory: DurableDirectory;

  constructor(readonly dir: string) {
    this.directory = new DurableDirectory(resolve(dir));
  }

  /**
   * Before serving: the directory exists and takes files (else HSW_RECORD_DIR, a usage
   * error), and what an interrupted run left there is tidied.
   */
  async prepare(): Promise<TidyResult> {
    try {
      await checkWritableDirectory(this.directory.dir);
    } catch (error) {
      // checkWritableDirectory names the directory and why; listen adds its other way out.
      const why = isHswError(error) ? `${error.message} to record fixtures in` : `the directory "${this.dir}" cannot be used: ${describeError(error)}; choose another one`;
      throw new HswError('HSW_RECORD_DIR', `${why}, or turn recording off`, { exitCode: ExitCode.usage, cause: error });
    }
    return tidyTempFiles(this.directory.dir);
  }

  /** Once the last fixture is finished: lets go of the directory. */
  close(): void {
    this.directory.close();
  }

  /** Starts the fixture of one request; `fixture` has no response yet. */
  begin(fixture: Fixture): Recording {
    const file = insideDirectory(this.directory.dir, fixtureFileName(new Date(fixture.recordedAt), fixture.event));
    return new Recording(this.directory, file, fixtureHead(fixture));
  }
}

export class Recording {
  private draft: DraftFile;

  constructor(
    private readonly directory: DurableDirectory,
    readonly file: string,
    private readonly head: string,
  ) {
    this.draft = directory.begin(file, head);
  }

  /** Completes the fixture and resolves with its path once it is durable. */
  finish(response?: FixtureResponse): Promise<string> {
    return this.draft.finish(fixtureTail(response));
  }

  /** Replaces the finished fixture with one that carries the handler's answer (for --ack). */
  amend(response: FixtureResponse): Promise<string> {
    this.draft = this.directory.begin(this.file, this.head);
    return this.draft.finish(fixtureTail(response));
  }
}
