/**
 * The public types, through the package entry as a consumer imports it (checked by
 * `npm run typecheck`; the run-time assertions keep the export list honest).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as library from 'heapstream-webhooks';
import {
  buildEvent,
  buildRequest,
  loadFixtures,
  replay,
  simulate,
  stepSummaryMarkdown,
  type FetchTarget,
  type HswError,
  type NodeListener,
  type ReplayResult,
  type Reproduction,
  type SimulateEffects,
  type SimulateOptions,
  type SimulateReport,
  type SimulatedAttempt,
  type SimulatedEvent,
  type Target,
  type WebhookRequest,
} from 'heapstream-webhooks';

describe('the package entry', () => {
  it('exports exactly the library, and none of the CLI internals', () => {
    expect(Object.keys(library).sort()).toEqual(
      ['CATALOG', 'HEAPSTREAM_TIMEOUT_MS', 'HswError', 'LIFECYCLE', 'buildEvent', 'buildFlow', 'buildRequest', 'checkEvent', 'isHswError', 'loadFixtures', 'readFixture', 'replay', 'send', 'serializeEvent', 'simulate', 'stepSummaryMarkdown'].sort(),
    );
  });

  it('types simulate() and its report', () => {
    expectTypeOf(simulate).parameter(0).toEqualTypeOf<SimulateOptions>();
    expectTypeOf(simulate).returns.resolves.toEqualTypeOf<SimulateReport>();
    expectTypeOf<SimulateReport['verdict']>().toEqualTypeOf<{ ok: boolean; reasons: string[] }>();
    expectTypeOf<SimulateReport['totals']['exhausted']>().toBeNumber();
    expectTypeOf<SimulateReport['events']>().toEqualTypeOf<SimulatedEvent[]>();
    expectTypeOf<SimulatedEvent['attempts'][number]['status']>().toEqualTypeOf<number | null>();
    expectTypeOf<SimulateOptions['scenario']>().toEqualTypeOf<'outage' | 'flaky' | 'duplicates' | 'slow' | 'concurrent-duplicates' | undefined>();
    expectTypeOf<NonNullable<SimulateReport['effects']>['reproduction']>().toEqualTypeOf<Reproduction | null>();
    expectTypeOf<SimulateEffects['differences'][number]['text']>().toBeString();
    expectTypeOf<SimulateOptions['state']>().toEqualTypeOf<(() => unknown) | undefined>();
    expectTypeOf<SimulateOptions['schedule']>().toEqualTypeOf<readonly (number | string)[] | string | undefined>();
    expectTypeOf<NonNullable<SimulateOptions['onAttempt']>>().parameter(0).toEqualTypeOf<SimulatedAttempt>();
    expectTypeOf<SimulatedAttempt['index']>().toBeNumber();
    expectTypeOf(stepSummaryMarkdown).toBeCallableWith({} as SimulateReport);
    expectTypeOf(stepSummaryMarkdown).returns.toBeString();
  });

  it('takes every target form', () => {
    expectTypeOf<string>().toMatchTypeOf<Target>();
    expectTypeOf<URL>().toMatchTypeOf<Target>();
    expectTypeOf<{ fetch: (request: Request) => Promise<Response> }>().toMatchTypeOf<FetchTarget>();
    expectTypeOf<(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void>().toMatchTypeOf<NodeListener>();
    expectTypeOf<{ handle(): void }>().not.toMatchTypeOf<Target>();
  });

  it('types replay(), buildRequest() and the rest', () => {
    expectTypeOf(replay).returns.resolves.toEqualTypeOf<ReplayResult>();
    expectTypeOf<ReplayResult['failed']>().toBeNumber();
    expectTypeOf(buildRequest).returns.toEqualTypeOf<WebhookRequest>();
    expectTypeOf<WebhookRequest['headers']>().toEqualTypeOf<Record<string, string>>();
    // Over its own ArrayBuffer: a BodyInit under the DOM lib as well.
    expectTypeOf<WebhookRequest['body']>().toEqualTypeOf<Buffer<ArrayBuffer>>();
    expectTypeOf(buildEvent).returns.toHaveProperty('body').toBeString();
    expectTypeOf(loadFixtures).parameter(0).toEqualTypeOf<readonly string[]>();
    expectTypeOf<HswError['code']>().toMatchTypeOf<string>();
  });
});
