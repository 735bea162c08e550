/**
 * `listen --ui`: the session reports to the console as always, and every webhook it
 * answered is also handed to the inspector, which announces it to the open pages.
 */
import type { ListenReporter } from '../listen/types.js';
import type { InspectorServer } from './server.js';

export function withInspector(terminal: ListenReporter, inspector: InspectorServer): ListenReporter {
  return {
    ready: (info) => terminal.ready({ ...info, ui: inspector.url }),
    tidied: (tidied) => terminal.tidied(tidied),
    tunnel: (event) => terminal.tunnel(event),
    event: (event) => {
      terminal.event(event);
      void inspector.publish(event);
    },
    rejected: (rejected) => terminal.rejected(rejected),
    warn: (text) => terminal.warn(text),
  };
}
