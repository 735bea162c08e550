/**
 * The counters of an Artillery `--output` report, read without parsing the report: a
 * report holds every counter twice (in `aggregate` and in one `intermediate` period), and
 * for a storm of 200,000 events JSON.parse built about 800 MB of objects from it. This walks
 * the text to `aggregate.counters`, skipping every other value, and hands over its entries
 * one at a time.
 */

/** Thrown for text that is not the JSON object shape expected; the caller names the file. */
export class ReportShapeError extends Error {}

const WS = new Set([' ', '\n', '\r', '\t']);

class Cursor {
  at = 0;
  constructor(readonly text: string) {}

  ws(): void {
    while (WS.has(this.text[this.at] as string)) this.at++;
  }

  expect(char: string): void {
    this.ws();
    if (this.text[this.at] !== char) throw new ReportShapeError(`expected ${char} at ${this.at}`);
    this.at++;
  }

  /** The next character after whitespace, not consumed. */
  peek(): string | undefined {
    this.ws();
    return this.text[this.at];
  }

  string(): string {
    this.expect('"');
    const start = this.at;
    let escaped = false;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw new ReportShapeError('unterminated string');
      if (c === '\\') {
        escaped = true;
        this.at++;
      } else if (c === '"') break;
    }
    const raw = this.text.slice(start, this.at - 1);
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** Past one value of any kind, building nothing. */
  skip(): void {
    const c = this.peek();
    if (c === '"') {
      this.string();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      for (;;) {
        const d = this.text[this.at];
        if (d === undefined) throw new ReportShapeError('unterminated value');
        if (d === '"') {
          this.string();
          continue;
        }
        this.at++;
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) return;
        }
      }
    }
    const start = this.at;
    while (this.at < this.text.length && !',}] \n\r\t'.includes(this.text[this.at] as string)) this.at++;
    if (this.at === start) throw new ReportShapeError(`no value at ${start}`);
  }

  number(): number {
    this.ws();
    const start = this.at;
    while (this.at < this.text.length && !',}] \n\r\t'.includes(this.text[this.at] as string)) this.at++;
    const value = Number(this.text.slice(start, this.at));
    if (this.at === start || Number.isNaN(value)) throw new ReportShapeError(`not a number at ${start}`);
    return value;
  }

  /** Each key of the object here; `value` must consume the value. */
  entries(value: (key: string) => void): void {
    this.expect('{');
    if (this.peek() === '}') {
      this.at++;
      return;
    }
    for (;;) {
      const key = this.string();
      this.expect(':');
      value(key);
      const next = this.peek();
      this.at++;
      if (next === '}') return;
      if (next !== ',') throw new ReportShapeError(`expected , or } at ${this.at - 1}`);
    }
  }
}

/**
 * Calls `each` for every entry of the report's `aggregate.counters`; returns false when the
 * report has none. Throws ReportShapeError for text that is not a JSON object.
 */
export function scanCounters(text: string, each: (name: string, value: number) => void): boolean {
  const cursor = new Cursor(text);
  let found = false;
  cursor.entries((key) => {
    if (key !== 'aggregate' || cursor.peek() !== '{') return cursor.skip();
    cursor.entries((inner) => {
      if (inner !== 'counters' || cursor.peek() !== '{') return cursor.skip();
      found = true;
      cursor.entries((name) => each(name, cursor.number()));
    });
  });
  if (cursor.peek() !== undefined) throw new ReportShapeError('text after the report');
  return found;
}
