/**
 * The page bundle's entry: the live inspector when served by `listen --ui` / `inspect`.
 */
import { api } from './client.js';
import { h, replaceChildren } from './dom.js';
import { startInspector } from './inspector.js';

async function main(): Promise<void> {
  const root = document.body;
  try {
    startInspector(root, await api.info());
  } catch (error) {
    replaceChildren(root, h('p', { class: 'syntax-error' }, `The inspector could not start: ${(error as Error).message}`));
  }
}

void main();
