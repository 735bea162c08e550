import { CATALOG } from '../events/catalog.js';

export function printCatalog(json: boolean): void {
  if (json) {
    for (const entry of CATALOG) process.stdout.write(`${JSON.stringify({ type: entry.type, status: entry.status, description: entry.description })}\n`);
    return;
  }
  const width = Math.max(...CATALOG.map((entry) => entry.type.length));
  for (const entry of CATALOG) process.stdout.write(`${entry.type.padEnd(width)}  ${entry.description}\n`);
}
