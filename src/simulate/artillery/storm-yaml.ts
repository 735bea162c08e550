/**
 * storm.yml, the Artillery script of an export. Strings are written as JSON strings, which
 * YAML reads as double-quoted scalars, so no value can break the file.
 *
 * Sharding: Artillery gives the workers of `run-fargate --count N` (and `run-lambda`) the
 * same script and no index, so `--count` repeats the load N times. Each shard is therefore
 * an environment of its own (`-e shard-k`) with its own part of the payload, run once.
 * Within one run, an arrivalCount phase runs on one Artillery worker thread, so every
 * virtual user reads the next line of the same shard and no event is taken twice.
 */
import type { StormMeta } from './types.js';

const q = (text: string): string => JSON.stringify(text);

export function stormYaml(meta: StormMeta, options: { target?: string; arrivalsPerSecond: number }): string {
  const { storm } = meta;
  const many = meta.shards.length > 1;
  const phase = (events: number, indent: string): string[] => [
    `${indent}phases:`,
    `${indent}  - name: "first attempts"`,
    // Stretch duration to send first attempts more slowly; arrivalCount must stay the shard's event count.
    `${indent}    duration: ${Math.max(1, Math.ceil(events / options.arrivalsPerSecond))}`,
    `${indent}    arrivalCount: ${events}`,
  ];
  const files = (shard: StormMeta['shards'][number], indent: string): string[] => [`${indent}includeFiles:`, `${indent}  - "meta.json"`, ...shard.parts.map((part) => `${indent}  - ${q(part)}`)];
  const run = (shard: number): string => `artillery run storm.yml${many ? ` -e shard-${shard}` : ''} --target <handler URL> --output ${many ? `shard-${shard}` : 'report'}.json`;
  const lines = [
    `# HeapStream's delivery model for Artillery, written by ${storm.tool}.`,
    `# ${storm.events} events, seed ${storm.settings.seed}${storm.scenario ? `, scenario ${storm.scenario}` : ''}, ${meta.shards.length} shard${many ? 's' : ''}; export ${meta.exportId}.`,
    many ? `# Run every shard once (in parallel, from anywhere), each with --count 1 where Artillery has --count:` : '# Run it:',
    `#   ${run(1)}`,
    ...(many ? [`#   … up to ${run(meta.shards.length)}`] : []),
    `# then: heapstream-webhooks simulate --from-artillery ${many ? 'shard-*.json' : 'report.json'}`,
    'config:',
    ...(options.target !== undefined ? [`  target: ${q(options.target)}`] : []),
    '  processor: "./processor.mjs"',
    // The processor enforces HeapStream's timeout itself; this only bounds Artillery's own requests, of which there are none.
    '  http:',
    `    timeout: ${Math.ceil(storm.settings.timeoutMs / 1000) + 5}`,
  ];
  const first = meta.shards[0] as StormMeta['shards'][number];
  if (!many) lines.push('  variables:', '    hswShard: 1', ...phase(first.events, '  '), ...files(first, '  '));
  // With shards, the top level has no phases: Artillery merges an environment into it index by
  // index, so a phase there would blend into each shard's. Without -e shard-k nothing runs.
  lines.push('  environments:');
  for (const shard of meta.shards) {
    lines.push(`    shard-${shard.shard}:`, '      variables:', `        hswShard: ${shard.shard}`, ...phase(shard.events, '      '), ...files(shard, '      '));
  }
  lines.push('scenarios:', '  - name: "HeapStream delivery"', '    flow:', '      - function: "hswDeliver"', '');
  return lines.join('\n');
}
