import { AuthPacket, encodeRequestFrame, OpCode, Xid } from '@zookit/protocol';
import type { Connection } from './connection.js';
import { Deque } from './deque.js';
import { AuthFailedError, type ZooKeeperError } from './errors.js';
import type { AuthInfo, Logger } from './options.js';

interface Waiter {
  readonly info: AuthInfo;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A session's credentials: sent on every new connection before anything else, and answered
 * out of band (xid -4) in the order they were sent. A refused credential (AuthFailed; the
 * server then closes the connection) is reported to `onFailed`: the session ends there, as
 * ZooKeeper's AUTH_FAILED, rather than reconnect without it as someone else.
 */
export class Credentials {
  readonly #all: AuthInfo[];
  readonly #waiters = new Deque<Waiter>();
  readonly #logger: Logger;
  readonly #onFailed: (error: ZooKeeperError) => void;

  constructor(initial: readonly AuthInfo[], logger: Logger, onFailed: (error: ZooKeeperError) => void) {
    this.#all = [...initial];
    this.#logger = logger;
    this.#onFailed = onFailed;
  }

  /**
   * Sends every credential on a new connection. Returns false when there are none; else true,
   * and calls `onAccepted` synchronously once the server accepted them all (not on a refusal,
   * nor when the connection closes first).
   */
  sendAll(connection: Connection, onAccepted: () => void): boolean {
    let left = this.#all.length;
    for (const info of this.#all) {
      const resolve = () => {
        if (--left === 0) onAccepted();
      };
      this.#send(connection, { info, resolve, reject: () => {} });
    }
    return this.#all.length > 0;
  }

  /** Remembers `info` and, when connected, sends it and resolves with the server's answer. */
  add(info: AuthInfo, connection: Connection | undefined): Promise<void> {
    this.#all.push(info);
    if (!connection) return Promise.resolve();
    return new Promise((resolve, reject) => this.#send(connection, { info, resolve, reject }));
  }

  /** The server's answer to the oldest credential sent on the current connection. */
  onReply(err: number): void {
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    if (err === 0) {
      waiter.resolve();
      return;
    }
    const { scheme } = waiter.info;
    this.#logger.warn?.({ scheme }, 'authentication failed');
    const error = new AuthFailedError({
      message: `AuthFailed: the server refused the ${JSON.stringify(scheme)} credentials`,
    });
    waiter.reject(error);
    this.#onFailed(error);
  }

  /** The connection closed: unanswered credentials stay remembered and will be sent again. */
  onConnectionClosed(error: Error): void {
    for (const waiter of this.#waiters.drain()) waiter.reject(error);
  }

  #send(connection: Connection, waiter: Waiter): void {
    const { info } = waiter;
    const auth = typeof info.credentials === 'string' ? Buffer.from(info.credentials, 'utf8') : info.credentials;
    this.#waiters.push(waiter);
    connection.send(
      encodeRequestFrame({ xid: Xid.AUTH, type: OpCode.auth }, AuthPacket, { type: 0, scheme: info.scheme, auth }),
    );
  }
}
