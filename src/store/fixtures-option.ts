/**
 * The `fixtures` option of `simulate()` and `replay()`: paths (files, directories), fixtures
 * already loaded, or what `loadFixtures()` returns, as it returns it. Any invalid fixture
 * refuses the whole run, every one named on its own line: a run that silently leaves some
 * out is not the run that was asked for.
 */
import { ExitCode, HswError, optionError } from '../errors.js';
import { loadFixtures, type LoadResult } from './read.js';
import type { InvalidFixture, LoadedFixture } from './types.js';

export type FixturesOption = string | readonly string[] | readonly LoadedFixture[] | LoadResult;

/** What a HSW_FIXTURE_INVALID message lists: one reason a line, indented under the first. */
export function invalidFixturesError(invalid: readonly InvalidFixture[]): HswError {
  return new HswError('HSW_FIXTURE_INVALID', invalid.map((bad) => bad.reason).join('\n       '), { exitCode: ExitCode.usage });
}

function isLoadResult(value: unknown): value is LoadResult {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as LoadResult).fixtures) && Array.isArray((value as LoadResult).invalid);
}

/** The fixtures to send, and where they came from for messages; throws when any is invalid or none is left. */
export async function resolveFixturesOption(option: FixturesOption): Promise<LoadedFixture[]> {
  let result: LoadResult;
  let where = 'the fixtures given';
  if (isLoadResult(option)) result = option;
  else {
    const list: unknown = typeof option === 'string' ? [option] : option;
    if (!Array.isArray(list)) throw optionError('fixtures', 'is neither paths, loaded fixtures nor what loadFixtures() returns; e.g. fixtures: "fixtures/"');
    if (list.every((item) => typeof item === 'string')) {
      result = await loadFixtures(list as string[]);
      where = list.join(', ');
    } else {
      result = { fixtures: list as LoadedFixture[], invalid: [] };
    }
  }
  if (result.invalid.length > 0) throw invalidFixturesError(result.invalid);
  if (result.fixtures.length === 0) throw new HswError('HSW_NO_FIXTURES', `no fixtures in ${where}; record some with \`listen\` or \`trigger --save\``, { exitCode: ExitCode.usage });
  return result.fixtures;
}
