/**
 * Which webhooks are copies of one seen before, and of what kind. HeapStream sends a body
 * again for two reasons, and a developer reads them differently: a `retry` follows an
 * answer that was not a 2xx (or no answer), so the handler is being asked again; a
 * `duplicate` follows a 2xx, so the handler must not act twice.
 */
import { hash } from 'node:crypto';

export type CopyKind = 'first' | 'retry' | 'duplicate';

export interface Arrival {
  kind: CopyKind;
  /** Records the status this copy was answered with; what the next copy is depends on it. */
  answered(status: number): void;
}

/** Bodies remembered; the oldest are forgotten first. */
const MEMORY = 100_000;

export class CopyTracker {
  /** Body hash → whether the last answer given for it was a 2xx (undefined: none yet). */
  private readonly last = new Map<string, boolean | undefined>();

  arrived(body: Uint8Array): Arrival {
    // The one-shot hash: a third of createHash's cost, which listen paid on every webhook.
    const key = hash('sha256', body, 'base64');
    const seen = this.last.has(key);
    const previous = this.last.get(key);
    // A copy that arrives while the first is still unanswered follows no failure: a duplicate.
    const kind: CopyKind = !seen ? 'first' : previous === false ? 'retry' : 'duplicate';
    if (!seen) {
      this.last.set(key, undefined);
      if (this.last.size > MEMORY) this.last.delete(this.last.keys().next().value as string);
    }
    return {
      kind,
      answered: (status) => {
        if (this.last.has(key)) this.last.set(key, status >= 200 && status < 300);
      },
    };
  }
}
