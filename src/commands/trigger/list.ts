import { CATALOG } from '../../events/catalog.js';
import type { Output } from '../../ui/output.js';

/** `trigger --list`: the catalog's event types, a line (or an NDJSON record) each. */
export function printCatalog(output: Output): void {
  const width = Math.max(...CATALOG.map((entry) => entry.type.length));
  for (const entry of CATALOG) {
    output.record({ type: entry.type, status: entry.status, description: entry.description });
    output.line(`${entry.type.padEnd(width)}  ${entry.description}`);
  }
}
