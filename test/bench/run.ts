/**
 * `npm run bench`: every figure is a ratio against a baseline measured in this same run,
 * on loopback only. Pass section names to run a subset: `npm run bench -- startup`.
 *
 * `--node 22,24` (or `--node 22 --node 24`) runs the sections again under each of those Node
 * versions, one after the other in this run, so their figures can be set side by side; Node's
 * binaries come from the npm registry, installed once (test/helpers/node-binary.ts).
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../helpers/node-binary.js';
import { benchEffects } from './effects.js';
import { benchArtillery } from './artillery.js';
import { benchInspector, benchStorm } from './inspector.js';
import { benchLibrary } from './library.js';
import { benchListen } from './listen.js';
import { benchSimulate, benchSimulateThroughput } from './simulate.js';
import { benchStartup } from './startup.js';
import { benchTunnel } from './tunnel.js';

const sections: Record<string, () => void | Promise<void>> = {
  startup: () => benchStartup(),
  listen: () => benchListen(),
  tunnel: () => benchTunnel(),
  simulate: () => benchSimulate(),
  library: () => benchLibrary(),
  inspector: () => benchInspector(),
  storm: () => benchStorm(),
  effects: () => benchEffects(),
  artillery: () => benchArtillery(),
};
// Not in a run without names (`simulate` holds it): the quick figure to compare Node versions.
const onRequest: Record<string, () => void | Promise<void>> = {
  throughput: () => benchSimulateThroughput(),
};

const wanted: string[] = [];
const nodes: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--node' || arg.startsWith('--node=')) {
    const value = arg === '--node' ? args[++i] : arg.slice('--node='.length);
    if (!value) throw new Error('--node needs Node major versions, such as --node 22,24');
    nodes.push(...value.split(',').filter(Boolean));
  } else {
    if (!(arg in sections) && !(arg in onRequest)) throw new Error(`no bench section "${arg}"; the sections are ${[...Object.keys(sections), ...Object.keys(onRequest)].join(', ')}`);
    wanted.push(arg);
  }
}

if (nodes.length > 0) {
  // Each version in a process of its own; the sections spawn the CLI with that same Node.
  const binaries = nodes.map((major) => nodeBinary(major));
  for (const binary of binaries) {
    const result = spawnSync(binary, ['--import', 'tsx', fileURLToPath(import.meta.url), ...wanted], {
      stdio: 'inherit',
      env: { ...process.env, PATH: `${dirname(binary)}:${process.env['PATH'] ?? ''}` },
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
} else {
  console.log(`Node ${process.version}\n`);
  for (const [name, run] of Object.entries({ ...sections, ...onRequest })) {
    if (wanted.length > 0 ? !wanted.includes(name) : !(name in sections)) continue;
    await run();
    // listen writes thousands of fsynced fixtures; flush the rest of that disk work now, so
    // it does not run in the background of the next section's measurements.
    spawnSync('sync');
    console.log('');
  }
}
