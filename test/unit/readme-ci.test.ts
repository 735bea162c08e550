/**
 * The README's CI examples are meant to be copied: their YAML must parse, they must have the
 * parts the README promises, and every `heapstream-webhooks` command in them must be one
 * the CLI's parser accepts (flags that exist, values where values are due).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The ```yaml block whose first line is `# <file>`. */
function yamlBlock(file: string): unknown {
  const block = [...README.matchAll(/```yaml\n([^]*?)```/g)].map((m) => m[1] as string).find((text) => text.startsWith(`# ${file}\n`));
  if (!block) throw new Error(`README has no yaml block for ${file}`);
  return parse(block);
}

/** POSIX-shell words of one command line: quotes removed, no expansion (the examples use none). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end === -1) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (/[$`;&|<>]/.test(c)) {
      throw new Error(`shell syntax the check does not model (${c}) in: ${line}`);
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** Every `npx heapstream-webhooks …` in a list of shell scripts, as argument lists. */
function hswCommands(scripts: string[]): string[][] {
  return scripts
    .flatMap((script) => script.replace(/\\\n/g, ' ').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('npx heapstream-webhooks '))
    .map((line) => shellWords(line).slice(2));
}

/** Parses args with the real program, the chosen command's action replaced: flags as parsed. */
async function acceptedByTheParser(args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  let parsed: Record<string, unknown> | undefined;
  const command = program.commands.find((c: Command) => c.name() === args[0]);
  if (!command) throw new Error(`no command ${args[0]}`);
  command.action((flags: Record<string, unknown>) => {
    parsed = flags;
  });
  // Commander errors (unknown option, missing value) throw: exitOverride is set.
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(args, { from: 'user' });
  if (!parsed) throw new Error(`not parsed: ${args.join(' ')}`);
  return parsed;
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

describe('README: GitHub Actions workflow', () => {
  const workflow = yamlBlock('.github/workflows/webhooks.yml') as { on: unknown; jobs: Record<string, { 'runs-on': string; steps: Step[] }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('checks out, sets up Node, installs with npm ci, simulates, reports JUnit and keeps the report even on failure', () => {
    expect(workflow.on).toBeDefined();
    const uses = steps.map((step) => step.uses?.replace(/@.*/, ''));
    expect(uses).toEqual(expect.arrayContaining(['actions/checkout', 'actions/setup-node', 'actions/upload-artifact']));
    expect(steps.some((step) => step.run?.trim() === 'npm ci')).toBe(true);
    const junit = steps.find((step) => /junit/i.test(step.uses ?? ''));
    expect(junit?.if).toBe('always()');
    expect(String(junit?.with?.['report_paths'])).toBe('simulate.xml');
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.if).toBe('always()');
    expect(String(upload?.with?.['path'])).toMatch(/simulate-report\.json/);
  });

  it('runs a simulate command the CLI accepts, with --start, --to, --junit, --report and a scenario', async () => {
    const commands = hswCommands(steps.flatMap((step) => (step.run ? [step.run] : [])));
    expect(commands).toHaveLength(1);
    const flags = await acceptedByTheParser(commands[0] as string[]);
    expect(flags).toMatchObject({ start: 'npm start', to: 'http://localhost:3000/webhooks', scenario: 'outage', junit: 'simulate.xml', report: 'simulate-report.json' });
  });
});

describe('README: GitLab CI job', () => {
  const gitlab = yamlBlock('.gitlab-ci.yml') as Record<string, { image: string; script: string[]; artifacts: { when: string; paths: string[]; reports: { junit: string } } }>;
  const job = gitlab['simulate'];

  it('publishes the JUnit file as a report and keeps artifacts when the job fails', () => {
    expect(job?.artifacts.when).toBe('always');
    expect(job?.artifacts.reports.junit).toBe('simulate.xml');
    expect(job?.artifacts.paths).toContain('simulate-report.json');
    expect(job?.script).toContain('npm ci');
  });

  it('runs a simulate command the CLI accepts', async () => {
    const commands = hswCommands(job?.script ?? []);
    expect(commands).toHaveLength(1);
    expect(await acceptedByTheParser(commands[0] as string[])).toMatchObject({ start: 'npm start', junit: 'simulate.xml', scenario: 'outage' });
  });
});

describe('the check itself', () => {
  it('refuses a command with an unknown flag or a missing value', async () => {
    await expect(acceptedByTheParser(['simulate', '--to', 'http://localhost:3000/', '--junit-file', 'x.xml'])).rejects.toThrow(/unknown option '--junit-file'/);
    await expect(acceptedByTheParser(['simulate', '--to'])).rejects.toThrow(/argument missing/);
    expect(shellWords(`npx heapstream-webhooks simulate --start "npm start" --check 'a b'`)).toEqual(['npx', 'heapstream-webhooks', 'simulate', '--start', 'npm start', '--check', 'a b']);
  });
});
