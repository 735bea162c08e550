// Loaded with `node --import`: records every module URL the process resolves into the
// file named by HSW_TRACE_IMPORTS, so a test can prove what `--help` does not load.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';

const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(process.env.HSW_TRACE_IMPORTS, `${url}\n`));
port1.unref();
register(
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
