/**
 * Events for a simulation, stored in columns: every body in one growing buffer (views are
 * handed out per attempt), numbers in typed arrays. 100,000 events then cost their bytes
 * plus a few dozen bytes each, not a few hundred objects each.
 */
import type { HeaderMap } from '../delivery/headers.js';
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
  private readonly headerList: HeaderMap[] = [];
  private readonly sourceList: string[] = [];
  count = 0;

  constructor(
    private readonly defaultHeaders: HeaderMap,
    private readonly defaultSource = 'synthetic',
  ) {}

  add(event: NewSimEvent): number {
    const i = this.count++;
    if (i >= this.offsets.length) this.growRows();
    const bytes = typeof event.body === 'string' ? Buffer.from(event.body, 'utf8') : event.body;
    if (this.used + bytes.length > this.bodies.length) this.growBodies(bytes.length);
    this.bodies.set(bytes, this.used);
    this.offsets[i] = this.used;
    this.lengths[i] = bytes.length;
    this.used += bytes.length;
    this.videoIds[i] = event.videoId ?? Number.NaN;
    let typeId = this.typeIndex.get(event.type);
    if (typeId === undefined) {
      typeId = this.typeNames.push(event.type) - 1;
      this.typeIndex.set(event.type, typeId);
    }
    this.typeIds[i] = typeId;
    this.timestamps.push(event.timestamp);
    if (event.headers) this.headerList[i] = event.headers;
    if (event.source) this.sourceList[i] = event.source;
    return i;
  }

  body(i: number): Buffer {
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
    const order = Uint32Array.from({ length: this.count }, (_, i) => i).sort((a, b) => compare(stamps[a] ?? null, stamps[b] ?? null) || a - b);
    this.timestamps = [];
    if (!options.reorder) return order;
    const random = createRandom(options.seed ^ 0x5eed);
    for (let start = 0; start < order.length; start += options.window) {
      const end = Math.min(start + options.window, order.length);
      for (let i = end - 1; i > start; i--) {
        const j = start + Math.floor(random() * (i - start + 1));
        const swap = order[i] as number;
        order[i] = order[j] as number;
        order[j] = swap;
      }
    }
    return order;
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

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
