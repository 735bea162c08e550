/**
 * Text from a request, a fixture or a handler is hostile: an `event_type` carrying
 * `\u001b]0;…\u0007` retitles the terminal, `\u001b[2J` clears it. Everything such a string
 * passes on its way to a terminal (or a report a terminal will show) goes through here.
 */

// C0 controls (tab and newline included: one event is one line), DEL, C1 controls, and the
// Unicode line/paragraph separators and bidi overrides that reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character written as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** printable() for values that may be absent or not strings (fields of a parsed body). */
export function printableValue(value: unknown): string {
  return printable(typeof value === 'string' ? value : String(value));
}

/**
 * printable() as segments, for views that show escapes apart from the text (the inspector
 * page colours `\x1b` so that it cannot pass for four typed characters).
 */
export function printableSegments(text: string): { text: string; escaped: boolean }[] {
  const out: { text: string; escaped: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(UNSAFE)) {
    if (match.index > last) out.push({ text: text.slice(last, match.index), escaped: false });
    out.push({ text: printable(match[0]), escaped: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), escaped: false });
  return out;
}
