import { ErrorCode, encodeFrame, type JuteReader, OpCode, type ReplyHeader, RequestHeader } from '@zookit/protocol';
import type { Connection } from './connection.js';
import { Deque } from './deque.js';
import type { Request } from './request.js';
import { RequestTooLargeError } from './request-too-large-error.js';
import type { WatchKind, WatchRegistry } from './watches/watch-registry.js';

interface Entry {
  readonly request: Request<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/** What a {@link RequestPipeline} needs from its session. */
export interface RequestPipelineOptions {
  readonly watches: WatchRegistry;
  /** Largest request frame written (its length field); larger ones fail with RequestTooLargeError. */
  readonly maxRequestSize: number;
  /** The open connection, or undefined while there is none (requests then wait in the queue). */
  connection(): Connection | undefined;
  /** Every reply's zxid, in order (the session keeps the highest as its last zxid seen). */
  onReplyZxid(zxid: bigint): void;
  /**
   * A request abandoned after it was written (its `signal` aborted) had the server set a `kind`
   * watch on `path` that no watcher of this client will ever hold.
   */
  onAbandonedWatch(kind: WatchKind, path: string): void;
}

/**
 * The requests of one session: each is written at once when a connection is open, else queued
 * until {@link flush} (called once a connection is established, after auth). Owns the xid
 * sequence, frame encoding and its size limit, and the "registration in flight" marks of the
 * watch registry. A request settles exactly once: with its reply, its connection's loss, its
 * `signal` (a request already written cannot be recalled: its reply is read and dropped), or
 * {@link failQueued}.
 */
export class RequestPipeline {
  readonly #o: RequestPipelineOptions;
  readonly #queue = new Deque<Entry>();
  #xid = 0;

  constructor(options: RequestPipelineOptions) {
    this.#o = options;
  }

  /** Sends `request` now if a connection is open, else when one is. */
  submit<T>(request: Request<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry: Entry = {
        request,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
        done: false,
      };
      if (signal) {
        entry.onAbort = () => {
          this.#queue.remove(entry);
          this.#finish(entry, signal.reason, true);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.#enqueue(entry);
    });
  }

  /**
   * Sends closeSession now or on the next connection; resolves when it is answered, fails, or
   * `bound` aborts — never rejects.
   */
  closeSession(bound: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => resolve();
      bound.addEventListener('abort', done, { once: true });
      this.#enqueue({
        request: { type: OpCode.closeSession, decode: () => undefined },
        resolve: done,
        reject: done,
        signal: bound,
        onAbort: done,
        done: false,
      });
    });
  }

  /** Writes every queued request on `connection`, in order. */
  flush(connection: Connection): void {
    for (const entry of this.#queue.drain()) if (!entry.done) this.#write(entry, connection);
  }

  /** Fails every request still waiting for a connection with `error`. */
  failQueued(error: Error): void {
    for (const entry of this.#queue.drain()) this.#finish(entry, error, true);
  }

  #enqueue(entry: Entry): void {
    const connection = this.#o.connection();
    if (connection?.open) this.#write(entry, connection);
    else this.#queue.push(entry);
  }

  #write(entry: Entry, connection: Connection): void {
    const { request } = entry;
    const xid = this.#nextXid();
    let frame: Buffer;
    try {
      frame = encodeFrame((w) => {
        RequestHeader.encode(w, { xid, type: request.type });
        request.write?.(w);
      });
    } catch (err) {
      this.#finish(entry, err, true);
      return;
    }
    const { maxRequestSize, watches } = this.#o;
    // ZooKeeper checks the length field (the bytes after the prefix) against jute.maxbuffer and
    // closes the connection above it, failing every request in flight with a retryable
    // ConnectionLoss: refuse such a request here, alone and for good.
    if (frame.length - 4 > maxRequestSize) {
      this.#finish(entry, new RequestTooLargeError(frame.length - 4, maxRequestSize, request.path), true);
      return;
    }
    const registers = request.registers;
    let pending = registers !== undefined;
    const settled = () => {
      if (pending && registers) watches.endPending(registers.kind, registers.path);
      pending = false;
    };
    if (registers) watches.beginPending(registers.kind, registers.path);
    connection.send(frame, {
      xid,
      settle: (header: ReplyHeader, reader: JuteReader) => {
        this.#o.onReplyZxid(header.zxid);
        settled();
        if (entry.done) {
          if (registers && serverKeptWatch(request.type, header.err)) {
            this.#o.onAbandonedWatch(registers.kind, registers.path);
          }
          return;
        }
        let value: unknown;
        try {
          value = request.decode(header, reader);
        } catch (err) {
          this.#finish(entry, err, true);
          return;
        }
        this.#finish(entry, value, false);
      },
      fail: (err) => {
        settled();
        this.#finish(entry, err, true);
      },
    });
  }

  #finish(entry: Entry, outcome: unknown, failed: boolean): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    if (failed) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  #nextXid(): number {
    this.#xid = this.#xid >= 0x7fff_ffff ? 1 : this.#xid + 1;
    return this.#xid;
  }
}

/** Whether the server set the watch a request asked for: on success, and for exists also on NoNode. */
function serverKeptWatch(type: number, err: number): boolean {
  return err === ErrorCode.Ok || (type === OpCode.exists && err === ErrorCode.NoNode);
}
