import { LogDisplay, LogLevel, LogSource, LogStream, stripAnsi } from '@slipway/contracts';
import { KeyedLock } from '@slipway/nest-mongo';
import { createHash } from 'node:crypto';
import { mongo } from 'mongoose';
import { ChunkLine, LogChunkDocument, packChunk, unpackChunk } from './log-chunk';
import { SeqRanges } from './seq-ranges';
import { compareLines, LinePosition, StoredLine } from './stored-line';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How many of an app's newest segments remember which seqs they hold. A batch comes again only when its
 * acknowledgement was lost (redelivered after `ackWaitMs`) or a publisher retried: minutes at most, a few
 * segments at most. Older segments forget, so the memory stays bounded even for runtime lines, whose
 * clock-based seqs leave a gap between every two batches.
 */
const DEDUPLICATION_SEGMENTS = 3;
const CATALOGUE = 'log_segments';
const FLOORS = 'log_floors';

export interface LogStoreOptions {
  /** A segment is sealed and a new one started once it holds this many lines. */
  segmentLines: number;
  /** Lines older than this are no longer served, and their segments are dropped by retention. */
  maxAgeDays: number;
  /** Decoded lines kept in memory across segments (least recently used segments go first). */
  cacheLines: number;
  now?: () => number;
}

export interface RetentionPolicy {
  maxLinesPerApp: number;
}

export interface RetentionResult {
  removedByAge: number;
  removedByCount: number;
  segmentsDropped: number;
}

export interface LineFilter {
  appId: string;
  deploymentId?: string;
  source?: LogSource;
  level?: LogLevel;
  fromMs?: number;
  toMs?: number;
  /** Case-insensitive substring of the text without ANSI codes. */
  text?: string;
  order: 'asc' | 'desc';
  limit: number;
  /** Only lines strictly beyond this position, in the query's order. */
  after?: LinePosition;
}

export interface LinePage {
  items: StoredLine[];
  hasMore: boolean;
}

/** A line about to be stored (from a batch or written for an event). */
export interface IncomingLine {
  seq: number;
  timestampMs: number;
  stream: LogStream;
  stage: string | null;
  instance: string | null;
  level: LogLevel | null;
  display: LogDisplay;
  text: string;
}

interface StreamRangesDocument {
  stream: string;
  /** Flattened [from, to, from, to, ...]: FerretDB stores no nested arrays. */
  ranges: number[];
}

/** One segment in the catalogue (`log_segments`). Only sealed segments' statistics are authoritative. */
interface SegmentDocument {
  _id: string;
  appId: string;
  segmentNo: number;
  collection: string;
  sealed: boolean;
  minTs: number;
  maxTs: number;
  lineCount: number;
  deployments: string[];
  sources: string[];
  streams: StreamRangesDocument[];
  eventKeys: string[];
}

interface FloorDocument extends LinePosition {
  _id: string;
}

interface Segment {
  id: string;
  appId: string;
  segmentNo: number;
  collection: string;
  sealed: boolean;
  minTs: number;
  maxTs: number;
  lineCount: number;
  deployments: Set<string>;
  sources: Set<string>;
  streams: Map<string, SeqRanges>;
  eventKeys: string[];
}

interface AppLog {
  segments: Segment[];
  eventKeys: Set<string>;
  /** Lines at or before this position are past the per-app limit: hidden, and dropped with their segment. */
  floor: LinePosition | null;
}

function streamKey(deploymentId: string | null, source: string): string {
  return `${deploymentId ?? '-'}:${source}`;
}

function segmentCollection(appId: string, segmentNo: number): string {
  const app = createHash('sha256').update(appId).digest('hex').slice(0, 20);
  return `log_segment_${app}_${segmentNo}`;
}

function pairsOf(flat: number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let index = 0; index + 1 < flat.length; index += 2)
    pairs.push([flat[index] as number, flat[index + 1] as number]);
  return pairs;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}

/**
 * Log lines in segments: each app's lines go to a sequence of small collections (a few thousand lines
 * each) holding one packed document per batch, with a catalogue of segments in memory. Reading "the
 * newest 1,000 lines" touches one or two segments however many lines the app has, and retention drops
 * whole collections. Why not one document per line: FerretDB 1.x on SQLite evaluates every query by
 * decoding the whole collection (see docs/logs.md for the measurements).
 *
 * One writer per app at a time (appends are chained per app); one logs service instance owns the store.
 */
export class LogSegmentStore {
  private readonly apps = new Map<string, AppLog>();
  private readonly appWrites = new KeyedLock();
  /** collection → decoded lines, in least-recently-used order. */
  private readonly cache = new Map<string, StoredLine[]>();
  private cachedLines = 0;
  private readonly now: () => number;

  constructor(
    private readonly db: mongo.Db,
    private readonly options: LogStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the catalogue; recomputes the open segments' statistics from their chunks. */
  async load(): Promise<void> {
    await this.db
      .collection<SegmentDocument>(CATALOGUE)
      .createIndex({ appId: 1, segmentNo: 1 }, { unique: true });
    const documents = await this.db.collection<SegmentDocument>(CATALOGUE).find({}).toArray();
    documents.sort((a, b) => (a.appId === b.appId ? a.segmentNo - b.segmentNo : a.appId < b.appId ? -1 : 1));
    for (const document of documents) {
      const app = this.appLog(document.appId);
      const segment: Segment = {
        id: document._id,
        appId: document.appId,
        segmentNo: document.segmentNo,
        collection: document.collection,
        sealed: document.sealed,
        minTs: document.minTs,
        maxTs: document.maxTs,
        lineCount: document.lineCount,
        deployments: new Set(document.deployments),
        sources: new Set(document.sources),
        streams: new Map(
          document.streams.map((entry) => [entry.stream, new SeqRanges(pairsOf(entry.ranges))]),
        ),
        eventKeys: [...document.eventKeys],
      };
      if (!segment.sealed) await this.recount(segment);
      app.segments.push(segment);
      for (const key of segment.eventKeys) app.eventKeys.add(key);
    }
    // Only the newest segment of an app is open; an older open one is left from a crash mid-rollover.
    for (const app of this.apps.values()) {
      for (const segment of app.segments.slice(0, -1)) if (!segment.sealed) await this.seal(segment);
      this.forgetOldSeqs(app);
    }
    for (const floor of await this.db.collection<FloorDocument>(FLOORS).find({}).toArray()) {
      this.appLog(floor._id).floor = { timestampMs: floor.timestampMs, seq: floor.seq, order: floor.order };
    }
  }

  /** Stores the lines of one stream not stored yet; returns how many were new. Idempotent. */
  appendLines(
    context: { appId: string; deploymentId: string; source: LogSource; traceId: string | null },
    lines: IncomingLine[],
  ): Promise<number> {
    return this.serialised(context.appId, async () => {
      const app = this.appLog(context.appId);
      const key = streamKey(context.deploymentId, context.source);
      const recent = app.segments.slice(-DEDUPLICATION_SEGMENTS);
      const fresh = lines.filter(
        (line) => !recent.some((segment) => segment.streams.get(key)?.has(line.seq)),
      );
      if (fresh.length === 0) return 0;
      const first = fresh[0] as IncomingLine;
      const chunk = packChunk(`${context.deploymentId}:${context.source}:${first.seq}`, context, fresh);
      await this.write(app, chunk, (segment) => {
        const ranges = segment.streams.get(key) ?? new SeqRanges();
        for (const line of fresh) ranges.add(line.seq);
        segment.streams.set(key, ranges);
      });
      return fresh.length;
    });
  }

  /** Stores a system line written for an event, once per event key. */
  appendEventLine(
    context: { appId: string; deploymentId: string | null; traceId: string | null },
    eventKey: string,
    line: IncomingLine,
  ): Promise<boolean> {
    return this.serialised(context.appId, async () => {
      const app = this.appLog(context.appId);
      if (app.eventKeys.has(eventKey)) return false;
      const chunk = packChunk(`event:${eventKey}`, { ...context, source: 'system' }, [line]);
      await this.write(app, chunk, (segment) => segment.eventKeys.push(eventKey));
      app.eventKeys.add(eventKey);
      return true;
    });
  }

  /** A page of lines in (timestamp, seq, order) order, reading only the segments that can hold them. */
  async query(filter: LineFilter): Promise<LinePage> {
    const app = this.apps.get(filter.appId);
    if (!app) return { items: [], hasMore: false };
    const direction = filter.order === 'desc' ? -1 : 1;
    const oldestServed = this.now() - this.options.maxAgeDays * DAY_MS;
    const fromMs = Math.max(filter.fromMs ?? Number.NEGATIVE_INFINITY, oldestServed);
    const toMs = filter.toMs ?? Number.POSITIVE_INFINITY;
    const after = filter.after;
    const floor = app.floor;
    const needle = filter.text?.toLowerCase();

    const segments = app.segments.filter(
      (segment) =>
        segment.lineCount > 0 &&
        (!filter.deploymentId || segment.deployments.has(filter.deploymentId)) &&
        (!filter.source || segment.sources.has(filter.source)) &&
        segment.maxTs >= fromMs &&
        segment.minTs < toMs &&
        (!floor || segment.maxTs >= floor.timestampMs) &&
        (!after ||
          (direction === 1 ? segment.maxTs >= after.timestampMs : segment.minTs <= after.timestampMs)),
    );
    segments.sort((a, b) => (direction === 1 ? a.minTs - b.minTs : b.maxTs - a.maxTs));

    const wanted = filter.limit + 1;
    let found: StoredLine[] = [];
    for (let index = 0; index < segments.length; index += 1) {
      const segment = segments[index] as Segment;
      for (const line of await this.linesOf(segment)) {
        if (line.timestampMs < fromMs || line.timestampMs >= toMs) continue;
        if (filter.deploymentId && line.deploymentId !== filter.deploymentId) continue;
        if (filter.source && line.source !== filter.source) continue;
        if (filter.level && line.level !== filter.level) continue;
        if (floor && compareLines(line, floor) <= 0) continue;
        if (after && compareLines(line, after) * direction <= 0) continue;
        if (needle && !stripAnsi(line.text).toLowerCase().includes(needle)) continue;
        found.push(line);
      }
      if (found.length >= wanted) {
        found.sort((a, b) => compareLines(a, b) * direction);
        found = found.slice(0, wanted);
        const boundary = found[wanted - 1] as StoredLine;
        const next = segments[index + 1];
        // Segments are visited by their newest (desc) or oldest (asc) line: once the next one cannot hold
        // a line that sorts before the boundary, neither can any after it.
        if (
          !next ||
          (direction === -1 ? next.maxTs < boundary.timestampMs : next.minTs > boundary.timestampMs)
        )
          break;
      }
    }
    found.sort((a, b) => compareLines(a, b) * direction);
    return { items: found.slice(0, filter.limit), hasMore: found.length > filter.limit };
  }

  /** Forgets an app: drops its segments, catalogue entries and floor. Idempotent. */
  removeApp(appId: string): Promise<number> {
    return this.serialised(appId, async () => {
      const app = this.apps.get(appId);
      const catalogued = await this.db.collection<SegmentDocument>(CATALOGUE).find({ appId }).toArray();
      // The open segment's catalogue entry lags behind its chunks; the loaded counts do not.
      const lines = app
        ? app.segments.reduce((total, segment) => total + segment.lineCount, 0)
        : catalogued.reduce((total, segment) => total + segment.lineCount, 0);
      for (const segment of catalogued) await this.dropCollection(segment.collection);
      await this.db.collection<SegmentDocument>(CATALOGUE).deleteMany({ appId });
      await this.db.collection<FloorDocument>(FLOORS).deleteOne({ _id: appId });
      for (const segment of app?.segments ?? []) this.evict(segment.collection);
      this.apps.delete(appId);
      return lines;
    });
  }

  /**
   * Drops segments whose lines are all past the age limit, then hides each app's oldest lines beyond
   * `maxLinesPerApp` (a floor position) and drops the segments entirely below it. Queries never show a
   * hidden line, so the limits hold exactly although space is given back a segment at a time.
   */
  async enforceRetention(policy: RetentionPolicy): Promise<RetentionResult> {
    const result: RetentionResult = { removedByAge: 0, removedByCount: 0, segmentsDropped: 0 };
    const cutoff = this.now() - this.options.maxAgeDays * DAY_MS;
    for (const appId of [...this.apps.keys()]) {
      await this.serialised(appId, async () => {
        const app = this.apps.get(appId);
        if (!app) return;
        let visible = 0;
        for (const segment of [...app.segments]) {
          if (segment.maxTs < cutoff && segment.sealed) {
            result.removedByAge += segment.lineCount;
            await this.dropSegment(app, segment);
            result.segmentsDropped += 1;
            continue;
          }
          if (segment.minTs >= cutoff && (!app.floor || segment.minTs > app.floor.timestampMs)) {
            visible += segment.lineCount;
            continue;
          }
          for (const line of await this.linesOf(segment)) {
            if (line.timestampMs < cutoff) result.removedByAge += 1;
            else if (!app.floor || compareLines(line, app.floor) > 0) visible += 1;
          }
        }
        if (visible > policy.maxLinesPerApp) {
          const { items } = await this.query({ appId, order: 'desc', limit: policy.maxLinesPerApp + 1 });
          const firstHidden = items[policy.maxLinesPerApp];
          if (firstHidden) {
            app.floor = {
              timestampMs: firstHidden.timestampMs,
              seq: firstHidden.seq,
              order: firstHidden.order,
            };
            await this.db
              .collection<FloorDocument>(FLOORS)
              .replaceOne({ _id: appId }, { ...app.floor }, { upsert: true });
            result.removedByCount += visible - policy.maxLinesPerApp;
          }
        }
        const floor = app.floor;
        if (floor) {
          for (const segment of [...app.segments]) {
            if (!segment.sealed || segment.maxTs > floor.timestampMs) continue;
            const allHidden =
              segment.maxTs < floor.timestampMs ||
              (await this.linesOf(segment)).every((line) => compareLines(line, floor) <= 0);
            if (allHidden) {
              await this.dropSegment(app, segment);
              result.segmentsDropped += 1;
            }
          }
        }
      });
    }
    return result;
  }

  /** Lines an app's queries can see (tests and the benchmark use it to wait for ingest). */
  async countLines(appId: string): Promise<number> {
    let total = 0;
    let after: LinePosition | undefined;
    for (;;) {
      const page = await this.query({ appId, order: 'asc', limit: 10_000, ...(after ? { after } : {}) });
      total += page.items.length;
      if (!page.hasMore) return total;
      after = page.items[page.items.length - 1];
    }
  }

  private async write(
    app: AppLog,
    chunk: LogChunkDocument,
    record: (segment: Segment) => void,
  ): Promise<void> {
    const segment = await this.openSegment(app, chunk.appId);
    try {
      await this.db.collection<LogChunkDocument>(segment.collection).insertOne(chunk);
    } catch (error) {
      // Stored before a crash that came between the insert and the acknowledgement: already here.
      if (!isDuplicateKey(error)) throw error;
    }
    segment.lineCount += chunk.count;
    segment.minTs = Math.min(segment.minTs, chunk.minTs);
    segment.maxTs = Math.max(segment.maxTs, chunk.maxTs);
    if (chunk.deploymentId) segment.deployments.add(chunk.deploymentId);
    segment.sources.add(chunk.source);
    record(segment);
    const cached = this.cache.get(segment.collection);
    if (cached) {
      const lines = unpackChunk(chunk);
      cached.push(...lines);
      this.cachedLines += lines.length;
    }
  }

  private async openSegment(app: AppLog, appId: string): Promise<Segment> {
    const current = app.segments[app.segments.length - 1];
    if (current && !current.sealed && current.lineCount < this.options.segmentLines) return current;
    if (current && !current.sealed) await this.seal(current);
    const segmentNo = (current?.segmentNo ?? 0) + 1;
    const segment: Segment = {
      id: `${appId}:${segmentNo}`,
      appId,
      segmentNo,
      collection: segmentCollection(appId, segmentNo),
      sealed: false,
      minTs: Number.POSITIVE_INFINITY,
      maxTs: Number.NEGATIVE_INFINITY,
      lineCount: 0,
      deployments: new Set(),
      sources: new Set(),
      streams: new Map(),
      eventKeys: [],
    };
    await this.db.collection<SegmentDocument>(CATALOGUE).insertOne(this.toDocument(segment));
    app.segments.push(segment);
    this.forgetOldSeqs(app);
    this.cache.set(segment.collection, []);
    return segment;
  }

  private async seal(segment: Segment): Promise<void> {
    segment.sealed = true;
    const { _id, ...fields } = this.toDocument(segment);
    await this.db.collection<SegmentDocument>(CATALOGUE).updateOne({ _id }, { $set: fields });
  }

  /** The open segment's catalogue entry is not updated per write: its chunks are the truth. */
  private async recount(segment: Segment): Promise<void> {
    const chunks = await this.db.collection<LogChunkDocument>(segment.collection).find({}).toArray();
    segment.lineCount = 0;
    segment.minTs = Number.POSITIVE_INFINITY;
    segment.maxTs = Number.NEGATIVE_INFINITY;
    segment.deployments.clear();
    segment.sources.clear();
    segment.streams.clear();
    segment.eventKeys = [];
    for (const chunk of chunks) {
      segment.lineCount += chunk.count;
      segment.minTs = Math.min(segment.minTs, chunk.minTs);
      segment.maxTs = Math.max(segment.maxTs, chunk.maxTs);
      if (chunk.deploymentId) segment.deployments.add(chunk.deploymentId);
      segment.sources.add(chunk.source);
      if (chunk._id.startsWith('event:')) {
        segment.eventKeys.push(chunk._id.slice('event:'.length));
        continue;
      }
      const key = streamKey(chunk.deploymentId, chunk.source);
      const ranges = segment.streams.get(key) ?? new SeqRanges();
      for (const line of unpackChunk(chunk)) ranges.add(line.seq);
      segment.streams.set(key, ranges);
    }
  }

  private toDocument(segment: Segment): SegmentDocument {
    return {
      _id: segment.id,
      appId: segment.appId,
      segmentNo: segment.segmentNo,
      collection: segment.collection,
      sealed: segment.sealed,
      // JSON has no infinities: an empty segment stores 0s, which no query range can miss.
      minTs: Number.isFinite(segment.minTs) ? segment.minTs : 0,
      maxTs: Number.isFinite(segment.maxTs) ? segment.maxTs : 0,
      lineCount: segment.lineCount,
      deployments: [...segment.deployments],
      sources: [...segment.sources],
      streams: [...segment.streams].map(([stream, ranges]) => ({ stream, ranges: ranges.toJSON().flat() })),
      eventKeys: segment.eventKeys,
    };
  }

  private async linesOf(segment: Segment): Promise<StoredLine[]> {
    const cached = this.cache.get(segment.collection);
    if (cached) {
      this.cache.delete(segment.collection);
      this.cache.set(segment.collection, cached);
      return cached;
    }
    const chunks = await this.db.collection<LogChunkDocument>(segment.collection).find({}).toArray();
    const lines = chunks.flatMap(unpackChunk);
    this.cache.set(segment.collection, lines);
    this.cachedLines += lines.length;
    for (const [collection, evictable] of this.cache) {
      if (this.cachedLines <= this.options.cacheLines || collection === segment.collection) break;
      this.cache.delete(collection);
      this.cachedLines -= evictable.length;
    }
    return lines;
  }

  private evict(collection: string): void {
    const cached = this.cache.get(collection);
    if (!cached) return;
    this.cache.delete(collection);
    this.cachedLines -= cached.length;
  }

  private async dropSegment(app: AppLog, segment: Segment): Promise<void> {
    await this.dropCollection(segment.collection);
    await this.db.collection<SegmentDocument>(CATALOGUE).deleteOne({ _id: segment.id });
    this.evict(segment.collection);
    app.segments = app.segments.filter((candidate) => candidate !== segment);
  }

  private async dropCollection(name: string): Promise<void> {
    try {
      await this.db.collection(name).drop();
    } catch (error) {
      // Never created (no line was written) or already dropped by an earlier attempt.
      if ((error as { codeName?: unknown })?.codeName !== 'NamespaceNotFound') throw error;
    }
  }

  private appLog(appId: string): AppLog {
    let app = this.apps.get(appId);
    if (!app) {
      app = { segments: [], eventKeys: new Set(), floor: null };
      this.apps.set(appId, app);
    }
    return app;
  }

  /** Sealed segments beyond the newest few keep their seqs only in the catalogue. */
  private forgetOldSeqs(app: AppLog): void {
    for (const segment of app.segments.slice(0, -DEDUPLICATION_SEGMENTS)) {
      if (segment.sealed) segment.streams.clear();
    }
  }

  private serialised<T>(appId: string, work: () => Promise<T>): Promise<T> {
    return this.appWrites.run(appId, work);
  }
}

export type { ChunkLine };
