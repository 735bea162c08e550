/**
 * `listen --ui`: the session reports to the console as always, and every webhook it
 * answered is also handed to the inspector, which announces it to the open pages.
 */
import type { ListenReporter } from '../listen/types.js';
import type { InspectorServer } from './server.js';

export function withInspector(console: ListenReporter, inspector: InspectorServer): ListenReporter {
  return {
    ready: (info) => console.ready({ ...info, ui: inspector.url }),
    tunnel: (event) => console.tunnel(event),
    event: (event) => {
      console.event(event);
      void inspector.publish(event);
    },
    rejected: (rejected) => console.rejected(rejected),
    warn: (text) => console.warn(text),
  };
}
