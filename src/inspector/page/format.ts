/** Small formatting helpers shared by the inspector and the storm report. */
import type { AnswerSummary } from '../api.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time, `13:09:48`. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fullTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clockTime(iso)}.${pad(d.getMilliseconds(), 3)}`;
}

export function ms(value: number | null): string {
  if (value === null) return '–';
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 10_000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(1)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The status class an answer is coloured by, and the filter that finds it. */
export type StatusClass = 'ok' | 'client' | 'server' | 'failed' | 'none';

export function statusClass(answer: AnswerSummary | null, sent: number | null = null): StatusClass {
  if (!answer) {
    if (sent === null) return 'none';
    return sent < 300 ? 'ok' : sent < 500 ? 'client' : 'server';
  }
  if (answer.status === null) return 'failed';
  if (answer.status >= 200 && answer.status < 300) return 'ok';
  if (answer.status < 500) return 'client';
  return 'server';
}

export function answerLabel(answer: AnswerSummary | null): string {
  if (!answer) return 'not forwarded';
  if (answer.status !== null) return String(answer.status);
  return answer.error ?? 'no answer';
}
