/**
 * Every attempt of a simulation, in columns, linked per event: about 40 bytes an attempt
 * instead of an object each. Outcomes are materialized one event at a time, for reports.
 */
import { grown } from './typed-arrays.js';
import type { AttemptError, AttemptRecord } from './types.js';
import { round } from '../round.js';

const ERRORS: (AttemptError | null)[] = [null, 'timeout', 'unreachable', 'error', 'outage', 'answer-lost', 'cut-off', 'bad-answer'];
/**
 * Distinct answer texts kept: handlers mostly repeat a few answers ("already processed"),
 * so interning them costs little; one that puts an id in each answer stops being quoted
 * past this many, which bounds the log at about 2 MB of answers.
 */
const MAX_ANSWERS = 10_000;
const ERROR_IDS = new Map(ERRORS.map((error, i) => [error, i]));

export type AttemptInput = AttemptRecord & { event: number };

export class AttemptLog {
  count = 0;
  private eventOf = new Uint32Array(1024);
  private attemptOf = new Uint16Array(1024);
  private copyOf = new Uint16Array(1024);
  private atOf = new Float64Array(1024);
  private delayedOf = new Float32Array(1024);
  private statusOf = new Int16Array(1024);
  private errorOf = new Uint8Array(1024);
  private codeOf = new Uint16Array(1024);
  private latencyOf = new Float32Array(1024);
  private nextOf = new Int32Array(1024);
  private answerOf = new Uint16Array(1024);
  private readonly answers: string[] = [''];
  private readonly answerIds = new Map<string, number>([['', 0]]);
  private readonly codes: string[] = [''];
  private readonly codeIds = new Map<string, number>([['', 0]]);
  private readonly first: Int32Array;
  private readonly last: Int32Array;

  constructor(events: number) {
    this.first = new Int32Array(events).fill(-1);
    this.last = new Int32Array(events).fill(-1);
  }

  add(input: AttemptInput): void {
    const i = this.count++;
    if (i >= this.eventOf.length) this.grow();
    this.eventOf[i] = input.event;
    this.attemptOf[i] = input.attempt;
    this.copyOf[i] = input.copy;
    this.atOf[i] = input.at;
    this.delayedOf[i] = input.delayedMs;
    this.statusOf[i] = input.status ?? -1;
    this.errorOf[i] = ERROR_IDS.get(input.error) ?? 3;
    this.codeOf[i] = this.codeId(input.errorCode ?? '');
    this.latencyOf[i] = input.latencyMs;
    this.nextOf[i] = -1;
    this.answerOf[i] = input.answer ? this.answerId(input.answer) : 0;
    const previous = this.last[input.event] as number;
    if (previous === -1) this.first[input.event] = i;
    else this.nextOf[previous] = i;
    this.last[input.event] = i;
  }

  record(i: number): AttemptRecord {
    const status = this.statusOf[i] as number;
    const error = ERRORS[this.errorOf[i] as number] ?? null;
    const code = this.codes[this.codeOf[i] as number] ?? '';
    const answer = this.answers[this.answerOf[i] as number] ?? '';
    return {
      attempt: this.attemptOf[i] as number,
      copy: this.copyOf[i] as number,
      at: round(this.atOf[i] as number, 2),
      delayedMs: round(this.delayedOf[i] as number, 2),
      status: status === -1 ? null : status,
      error,
      ...(code ? { errorCode: code } : {}),
      latencyMs: round(this.latencyOf[i] as number, 2),
      ok: error === null && status >= 200 && status < 300,
      ...(answer ? { answer } : {}),
    };
  }

  /** The attempts of one event, in the order they were made. */
  forEvent(event: number): AttemptRecord[] {
    const out: AttemptRecord[] = [];
    for (let i = this.first[event] as number; i !== -1; i = this.nextOf[i] as number) out.push(this.record(i));
    return out;
  }

  /** Column views for totals and percentiles, without materializing records. */
  columns(): { event: Uint32Array; attempt: Uint16Array; copy: Uint16Array; at: Float64Array; delayed: Float32Array; status: Int16Array; error: Uint8Array; latency: Float32Array } {
    const n = this.count;
    return {
      event: this.eventOf.subarray(0, n),
      attempt: this.attemptOf.subarray(0, n),
      copy: this.copyOf.subarray(0, n),
      at: this.atOf.subarray(0, n),
      delayed: this.delayedOf.subarray(0, n),
      status: this.statusOf.subarray(0, n),
      error: this.errorOf.subarray(0, n),
      latency: this.latencyOf.subarray(0, n),
    };
  }

  static errorName(id: number): AttemptError | null {
    return ERRORS[id] ?? null;
  }

  private codeId(code: string): number {
    let id = this.codeIds.get(code);
    if (id === undefined) {
      id = this.codes.push(code) - 1;
      this.codeIds.set(code, id);
    }
    return id;
  }

  private answerId(answer: string): number {
    let id = this.answerIds.get(answer);
    if (id === undefined) {
      if (this.answers.length > MAX_ANSWERS) return 0;
      id = this.answers.push(answer) - 1;
      this.answerIds.set(answer, id);
    }
    return id;
  }

  private grow(): void {
    const size = this.eventOf.length * 2;
    this.eventOf = grown(this.eventOf, size);
    this.attemptOf = grown(this.attemptOf, size);
    this.copyOf = grown(this.copyOf, size);
    this.atOf = grown(this.atOf, size);
    this.delayedOf = grown(this.delayedOf, size);
    this.statusOf = grown(this.statusOf, size);
    this.errorOf = grown(this.errorOf, size);
    this.codeOf = grown(this.codeOf, size);
    this.latencyOf = grown(this.latencyOf, size);
    this.nextOf = grown(this.nextOf, size);
    this.answerOf = grown(this.answerOf, size);
  }
}

