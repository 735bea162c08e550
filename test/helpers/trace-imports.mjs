// Loaded with `node --import`: records every module URL the process resolves into the
// file named by HSW_TRACE_IMPORTS, so a test can prove what `--help` does not load.
import { appendFileSync } from 'node:fs';
import * as nodeModule from 'node:module';

const record = (url) => appendFileSync(process.env.HSW_TRACE_IMPORTS, `${url}\n`);

if (typeof nodeModule.registerHooks === 'function') {
  // In-thread hooks (Node 22.15 and later): each URL is written as it is resolved, for
  // import and require alike. Newer Nodes deprecate register() and, with its hooks on another
  // thread, a process that exits at once (`--help`) can end before their messages arrive.
  nodeModule.registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      record(result.url);
      return result;
    },
  });
} else {
  // Off-thread hooks (Node 20): URLs come back over a message port.
  const { MessageChannel } = await import('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  port1.on('message', record);
  port1.unref();
  nodeModule.register(
    'data:text/javascript,' +
      encodeURIComponent(`
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`),
    { data: { port: port2 }, transferList: [port2] },
  );
}
