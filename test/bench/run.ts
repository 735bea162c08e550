/**
 * `npm run bench`: every figure is a ratio against a baseline measured in this same run,
 * on loopback only. Pass section names to run a subset: `npm run bench -- startup`.
 */
import { spawnSync } from 'node:child_process';
import { benchArtillery } from './artillery.js';
import { benchInspector, benchStorm } from './inspector.js';
import { benchLibrary } from './library.js';
import { benchListen } from './listen.js';
import { benchSimulate } from './simulate.js';
import { benchStartup } from './startup.js';

const sections: Record<string, () => void | Promise<void>> = {
  startup: () => benchStartup(),
  listen: () => benchListen(),
  simulate: () => benchSimulate(),
  library: () => benchLibrary(),
  inspector: () => benchInspector(),
  storm: () => benchStorm(),
  artillery: () => benchArtillery(),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
  // listen writes thousands of fsynced fixtures; flush the rest of that disk work now, so
  // it does not run in the background of the next section's measurements.
  spawnSync('sync');
  console.log('');
}
