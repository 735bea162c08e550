/**
 * The README's "Testing your handler" examples are these test files, word for word, so
 * what the README shows is what the project runs.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';

it('the README examples are express.test.ts, hono.test.ts and effects.test.ts', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Testing your handler'));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(blocks).toEqual([await readFile(new URL('./express.test.ts', import.meta.url), 'utf8'), await readFile(new URL('./hono.test.ts', import.meta.url), 'utf8'), await readFile(new URL('./effects.test.ts', import.meta.url), 'utf8')]);
});
