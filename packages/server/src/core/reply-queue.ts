import type { ClientConnection, Slot } from './connection-state.js';
import type { ServerStats } from './server-stats.js';

/** The transport half of the core's output: frames out, connections closed. */
export interface FrameOutput {
  send(connection: number, frame: Buffer): void;
  close(connection: number): void;
}

/**
 * Sends replies and keeps each connection's replies in request order, as ZooKeeper does: a
 * request takes a {@link Slot} in its connection's queue when it arrives, and a reply leaves
 * only once every earlier slot has. A write's slot waits until its entry is applied
 * ({@link ReplyQueue.answer}); a read's slot runs when it reaches the head, so it sees the
 * connection's earlier writes. A slot marked `closeAfter` has the connection closed once it is
 * sent, and flushing stops there. Every frame sent is counted in the connection's and the
 * server's statistics. Not re-entrant per connection: a read's `run` must not enqueue on its own
 * connection.
 */
export class ReplyQueue {
  readonly #output: FrameOutput;
  readonly #stats: ServerStats;

  constructor(output: FrameOutput, stats: ServerStats) {
    this.#output = output;
    this.#stats = stats;
  }

  /** Sends `frame` at once, outside the order (ConnectResponse, auth replies, notifications). */
  send(conn: ClientConnection, frame: Buffer): void {
    conn.stats.sent++;
    this.#stats.packetsSent++;
    this.#output.send(conn.id, frame);
  }

  /** Queues `slot` behind `conn`'s earlier requests, then sends whatever is ready. */
  enqueue(conn: ClientConnection, slot: Slot, now: number): void {
    conn.queue.push(slot);
    this.#flush(conn, now);
  }

  /**
   * Fills `slot` (a write's, or a closeSession's) with its reply and sends whatever is ready on
   * `conn`; with `conn` undefined (the connection has gone) the reply is dropped.
   */
  answer(conn: ClientConnection | undefined, slot: Slot, frame: Buffer, now: number): void {
    slot.frame = frame;
    if (conn) this.#flush(conn, now);
  }

  /** Sends every answered reply at the head of the queue, running reads as they reach it. */
  #flush(conn: ClientConnection, now: number): void {
    while (conn.queue.length > 0) {
      const head = conn.queue[0] as Slot;
      if (head.frame === undefined && head.run) head.frame = head.run();
      if (head.frame === undefined) return;
      conn.queue.shift();
      this.#stats.answered(conn, Math.max(0, now - head.arrived), now);
      // The reply header's zxid (after the 4-byte length and the 4-byte xid).
      conn.stats.lastZxid = head.frame.length >= 16 ? head.frame.readBigInt64BE(8) : conn.stats.lastZxid;
      this.send(conn, head.frame);
      if (head.closeAfter) {
        this.#output.close(conn.id);
        return;
      }
    }
  }
}
