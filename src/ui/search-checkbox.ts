/**
 * A searchable multi-select, built on @inquirer/core (the prompt framework behind
 * @inquirer/prompts, which has a searchable single select and a multi-select, but not both
 * in one). Typing filters, Tab toggles the highlighted row, Ctrl+A toggles every match,
 * Enter confirms. Every space-separated word typed must appear in a row for it to match.
 */
import { createPrompt, isDownKey, isEnterKey, isTabKey, isUpKey, makeTheme, useKeypress, usePagination, usePrefix, useState } from '@inquirer/core';

export interface SearchCheckboxChoice<Value> {
  name: string;
  value: Value;
}

export interface SearchCheckboxConfig<Value> {
  message: string;
  choices: readonly SearchCheckboxChoice<Value>[];
  pageSize?: number;
}

export function matches(name: string, query: string): boolean {
  const haystack = name.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

export const searchCheckbox = createPrompt(<Value>(config: SearchCheckboxConfig<Value>, done: (value: Value[]) => void): string | [string, string] => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const [query, setQuery] = useState('');
  const [checked, setChecked] = useState<readonly number[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const prefix = usePrefix({ status, theme });

  const visible = config.choices.map((choice, index) => ({ choice, index })).filter(({ choice }) => matches(choice.name, query));
  const cursor = Math.min(active, Math.max(visible.length - 1, 0));

  useKeypress((key, rl) => {
    setError(undefined);
    if (isEnterKey(key)) {
      if (checked.length === 0) {
        setError('Nothing selected: Tab selects the highlighted row, Ctrl+A every match');
        rl.write(query);
        return;
      }
      setStatus('done');
      done([...checked].sort((a, b) => a - b).map((index) => (config.choices[index] as SearchCheckboxChoice<Value>).value));
    } else if (isTabKey(key)) {
      rl.clearLine(0);
      rl.write(query);
      const row = visible[cursor];
      if (row) setChecked(checked.includes(row.index) ? checked.filter((i) => i !== row.index) : [...checked, row.index]);
    } else if (key.ctrl && key.name === 'a') {
      const all = visible.every(({ index }) => checked.includes(index));
      const indexes = visible.map(({ index }) => index);
      setChecked(all ? checked.filter((i) => !indexes.includes(i)) : [...new Set([...checked, ...indexes])]);
    } else if (isUpKey(key) || isDownKey(key)) {
      rl.clearLine(0);
      rl.write(query);
      if (visible.length > 0) setActive((cursor + (isUpKey(key) ? -1 : 1) + visible.length) % visible.length);
    } else {
      setQuery(rl.line);
      setActive(0);
    }
  });

  const message = theme.style.message(config.message, status);
  if (status === 'done') return `${prefix} ${message} ${theme.style.answer(`${checked.length} selected`)}`;

  const page = usePagination({
    items: visible,
    active: cursor,
    pageSize: config.pageSize ?? 10,
    loop: false,
    renderItem({ item, isActive }) {
      const box = checked.includes(item.index) ? '◉' : '◯';
      const line = `${isActive ? '❯' : ' '} ${box} ${item.choice.name}`;
      return isActive ? theme.style.highlight(line) : line;
    },
  });
  const counts = `${visible.length} of ${config.choices.length} shown, ${checked.length} selected`;
  const help = theme.style.help(`type to filter · ↑↓ move · tab select · ctrl+a select all shown · enter confirm (${counts})`);
  const body = [visible.length > 0 ? page : theme.style.error('No fixture matches'), error ? theme.style.error(error) : '', help].filter(Boolean).join('\n');
  return [`${prefix} ${message} ${query}`, body];
});
