import { renderTable } from '../../ui/table.js';
import { fixtureRow } from '../../store/describe.js';
import { searchCheckbox } from '../../ui/search-checkbox.js';
import type { LoadedFixture } from '../../store/types.js';

/** Rows aligned like `fixtures list`: time, type, video, status, last answer. */
export function pickerChoices(fixtures: readonly LoadedFixture[]): { name: string; value: LoadedFixture }[] {
  const rows = fixtures.map((f) => fixtureRow(f));
  const lines = renderTable(
    ['', '', '', '', ''],
    rows.map((r) => [r.time, r.type, `v${r.video}`, r.status, `last answer ${r.lastAnswer}`]),
  )
    .split('\n')
    .slice(1);
  return fixtures.map((value, i) => ({ name: lines[i] ?? '', value }));
}

export async function pickFixtures(fixtures: readonly LoadedFixture[]): Promise<LoadedFixture[]> {
  return searchCheckbox({ message: 'Which fixtures should be sent again?', choices: pickerChoices(fixtures), pageSize: 12 });
}
