/**
 * The page bundle's entry. One bundle, two uses: the storm report when the page carries its
 * data inline (`simulate --html`, opened from a file), else the inspector served by
 * `listen --ui` / `inspect`, which may in turn be showing a report (`inspect --report`).
 */
import { STORM_DATA_ID, type StormData } from '../../simulate/storm-types.js';
import { api } from './client.js';
import { h, replaceChildren } from './dom.js';
import { startInspector } from './inspector.js';
import { startStorm } from './storm.js';

async function main(): Promise<void> {
  const root = document.body;
  try {
    const inline = document.getElementById(STORM_DATA_ID);
    if (inline) return startStorm(root, JSON.parse(inline.textContent ?? '') as StormData);
    const info = await api.info();
    if (info.mode === 'report') return startStorm(root, await api.storm());
    startInspector(root, info);
  } catch (error) {
    replaceChildren(root, h('p', { class: 'syntax-error' }, `The page could not start: ${(error as Error).message}`));
  }
}

void main();
