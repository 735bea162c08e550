/**
 * Under CI, a skipped test fails the run: a test skipped because something it needs is missing
 * (a browser, python3) would otherwise pass unseen, and `.skip` or `.todo` left in a commit
 * would hide a test nobody runs. Locally skips stay allowed (each says why it skipped).
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class NoSkipsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const note = test.result().state === 'skipped' ? (test.result() as { note?: string }).note : undefined;
        skipped.push(`${relative(process.cwd(), module.moduleId)} > ${test.fullName}${test.options.mode === 'todo' ? ' (todo)' : ''}${note ? ` (${note})` : ''}`);
      }
    }
    if (skipped.length === 0) return;
    console.error(`\n${skipped.length} test(s) skipped under CI, where every test must run (install what they need, or remove .skip/.todo):\n${skipped.map((name) => `  - ${name}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}
