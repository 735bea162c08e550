// `npm run coverage [-- vitest arguments]`: coverage of what really runs, in one report.
//
// Most tests import src/ in process (vitest's V8 coverage sees that); the end-to-end tests
// spawn the built CLI, whose code vitest never sees. Those children get NODE_V8_COVERAGE
// (through HSW_CHILD_COVERAGE, which the spawning helpers pass on: only the CLI's processes
// write raw coverage, not vitest's workers), c8 maps the built bundles back to src/ through
// their source maps, and the two maps are merged. The result: a table per folder and per
// file on stdout, coverage/coverage-final.json, coverage/coverage-summary.json and an HTML
// report in coverage/html/.
//
// Arguments go to vitest, so a part of the suite can be measured alone:
//   npm run coverage -- test/unit/durable-store.test.ts test/integration
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'coverage');
const raw = join(out, 'spawned-v8');
const inProcess = join(out, 'in-process');
const spawned = join(out, 'spawned');
rmSync(out, { recursive: true, force: true });
mkdirSync(raw, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (command, args, env = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
};

const vitest = run(bin('vitest'), [
  'run',
  '--coverage.enabled',
  '--coverage.provider=v8',
  '--coverage.reporter=json',
  `--coverage.reportsDirectory=${inProcess}`,
  '--coverage.include=src/**',
  // The page runs in the browser: its bundle is measured by nothing here.
  '--coverage.exclude=src/inspector/page/**',
  ...process.argv.slice(2),
], { HSW_CHILD_COVERAGE: raw });

const maps = [join(inProcess, 'coverage-final.json')];
if (readdirSync(raw).length > 0) {
  // The built CLI's bundles lead back to src/ through their source maps; the filter applies
  // after that (Node's own and the dependencies' scripts fall out).
  const c8 = run(bin('c8'), ['report', '--temp-directory', raw, '--reports-dir', spawned, '--reporter=json', '--exclude-after-remap', '--include=src/**', '--exclude=src/inspector/page/**']);
  if (c8 !== 0) process.exit(c8);
  maps.push(join(spawned, 'coverage-final.json'));
}

const map = libCoverage.createCoverageMap({});
for (const file of maps) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    continue;
  }
  // Only src/: a map may name test helpers or bundles that had no source map.
  for (const [path, coverage] of Object.entries(data)) if (relative(root, path).startsWith(`src${sep}`)) map.merge({ [path]: coverage });
}
writeFileSync(join(out, 'coverage-final.json'), JSON.stringify(map.toJSON()));

const context = libReport.createContext({ dir: out, coverageMap: map, defaultSummarizer: 'nested' });
for (const [name, options] of [['json-summary', {}], ['html', { subdir: 'html' }], ['text', { skipFull: false }]]) {
  reports.create(name, options).execute(context);
}

// Per folder (src/<folder>), lines and branches: the figures the suite is judged by.
const folders = new Map();
for (const path of map.files()) {
  const folder = relative(root, path).split(sep).slice(0, 2).join('/');
  const summary = map.fileCoverageFor(path).toSummary();
  const total = folders.get(folder) ?? libCoverage.createCoverageSummary();
  total.merge(summary);
  folders.set(folder, total);
}
const pct = (part) => (part.total === 0 ? '100.0' : ((100 * part.covered) / part.total).toFixed(1)).padStart(6);
console.log(`\n${'folder'.padEnd(24)} ${'lines %'.padStart(8)} ${'branches %'.padStart(11)}`);
for (const [folder, total] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${folder.padEnd(24)} ${pct(total.lines).padStart(8)} ${pct(total.branches).padStart(11)}`);
}
const all = map.getCoverageSummary();
console.log(`${'all'.padEnd(24)} ${pct(all.lines).padStart(8)} ${pct(all.branches).padStart(11)}`);
console.log(`\n${maps.length === 2 ? 'in-process and spawned-CLI coverage merged' : 'in-process coverage only (no test spawned the CLI)'}; HTML in ${relative(root, join(out, 'html'))}/`);
process.exit(vitest);
