/**
 * Events for a simulation, stored in columns: every body in one growing buffer (views are
 * handed out per attempt), numbers in typed arrays. 100,000 events then cost their bytes
 * plus a few dozen bytes each, not a few hundred objects each. Synthesized events keep no
 * bytes at all: they are rebuilt from their seed for each attempt (`lazy`), so a million of
 * them cost a few bytes each, and their timestamps are kept as numbers.
 */
import type { HeaderMap } from '../http/types.js';
import { createRandom } from '../events/random.js';
import { grown } from './typed-arrays.js';

export interface NewSimEvent {
  body: Uint8Array | string;
  type: string | null;
  videoId: number | null;
  /** The event's own timestamp, for delivery order. */
  timestamp: string | null;
  /** Per-event headers (fixtures); synthesized events share the store's default. */
  headers?: HeaderMap;
  source?: string;
}

/** A synthesized event: its body is `build(index)`, its timestamp a number that sorts like the string would. */
export interface LazySimEvent {
  type: string | null;
  videoId: number | null;
  timestampKey: number;
}

export class EventStore {
  private bodies = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private videoIds = new Float64Array(1024);
  private typeIds = new Uint16Array(1024);
  private readonly typeNames: (string | null)[] = [];
  private readonly typeIndex = new Map<string | null, number>();
  private timestamps: (string | null)[] = [];
  private timestampKeys = new Float64Array(0);
  private readonly headerList: HeaderMap[] = [];
  private readonly sourceList: string[] = [];
  count = 0;

  constructor(
    private readonly defaultHeaders: HeaderMap,
    private readonly defaultSource = 'synthetic',
    /** Builds the body of event `index`, for stores filled with `addLazy`. */
    private readonly build?: (index: number) => Buffer,
  ) {}

  addLazy(event: LazySimEvent): number {
    const i = this.count++;
    if (i >= this.offsets.length) this.growRows();
    if (i >= this.timestampKeys.length) this.timestampKeys = grown(this.timestampKeys, this.offsets.length);
    this.timestampKeys[i] = event.timestampKey;
    this.setColumns(i, event.type, event.videoId);
    return i;
  }

  add(event: NewSimEvent): number {
    const i = this.count++;
    if (i >= this.offsets.length) this.growRows();
    const bytes = typeof event.body === 'string' ? Buffer.from(event.body, 'utf8') : event.body;
    if (this.used + bytes.length > this.bodies.length) this.growBodies(bytes.length);
    this.bodies.set(bytes, this.used);
    this.offsets[i] = this.used;
    this.lengths[i] = bytes.length;
    this.used += bytes.length;
    this.setColumns(i, event.type, event.videoId);
    this.timestamps.push(event.timestamp);
    if (event.headers) this.headerList[i] = event.headers;
    if (event.source) this.sourceList[i] = event.source;
    return i;
  }

  private setColumns(i: number, type: string | null, videoId: number | null): void {
    this.videoIds[i] = videoId ?? Number.NaN;
    let typeId = this.typeIndex.get(type);
    if (typeId === undefined) {
      typeId = this.typeNames.push(type) - 1;
      this.typeIndex.set(type, typeId);
    }
    this.typeIds[i] = typeId;
  }

  body(i: number): Buffer {
    if (this.build) return this.build(i);
    return this.bodies.subarray(this.offsets[i], (this.offsets[i] as number) + (this.lengths[i] as number));
  }

  headers(i: number): HeaderMap {
    return this.headerList[i] ?? this.defaultHeaders;
  }

  type(i: number): string | null {
    return this.typeNames[this.typeIds[i] as number] ?? null;
  }

  videoId(i: number): number | null {
    const id = this.videoIds[i] as number;
    return Number.isNaN(id) ? null : id;
  }

  source(i: number): string {
    return this.sourceList[i] ?? this.defaultSource;
  }

  /**
   * Delivery order: by the events' own timestamps, then, with `reorder`, shuffled within
   * consecutive windows of `window` events. The timestamps are dropped afterwards.
   */
  order(options: { reorder: boolean; window: number; seed: number }): Uint32Array {
    const stamps = this.timestamps;
    const keys = this.timestampKeys;
    const byStamp = this.build ? (a: number, b: number) => (keys[a] as number) - (keys[b] as number) || a - b : (a: number, b: number) => compare(stamps[a] ?? null, stamps[b] ?? null) || a - b;
    const order = Uint32Array.from({ length: this.count }, (_, i) => i).sort(byStamp);
    this.timestamps = [];
    this.timestampKeys = new Float64Array(0);
    return options.reorder ? reorderWithinWindows(order, options.window, options.seed) : order;
  }

  private growRows(): void {
    const size = this.offsets.length * 2;
    this.offsets = grown(this.offsets, size);
    this.lengths = grown(this.lengths, size);
    this.videoIds = grown(this.videoIds, size);
    this.typeIds = grown(this.typeIds, size);
  }

  private growBodies(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.bodies.length * 2, this.used + needed));
    this.bodies.copy(next, 0, 0, this.used);
    this.bodies = next;
  }
}

/** Shuffles `order` in place within consecutive windows of `window` events (the reorder option). */
export function reorderWithinWindows(order: Uint32Array, window: number, seed: number): Uint32Array {
  const random = createRandom(seed ^ 0x5eed);
  for (let start = 0; start < order.length; start += window) {
    const end = Math.min(start + window, order.length);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
  }
  return order;
}

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
