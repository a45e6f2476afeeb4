import { AuthPacket, encodeRequestFrame, OpCode, Xid } from '@zookit/protocol';
import type { Connection } from './connection.js';
import { Deque } from './deque.js';
import { AuthFailedError } from './errors.js';
import type { AuthInfo, Logger } from './options.js';

interface Waiter {
  readonly info: AuthInfo;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A session's credentials: sent on every new connection before anything else, and answered
 * out of band (xid -4) in the order they were sent. Credentials the server refuses are
 * forgotten (the server closes the connection after AuthFailed; sending them again would fail
 * every reconnection the same way).
 */
export class Credentials {
  readonly #all: AuthInfo[];
  readonly #waiters = new Deque<Waiter>();
  readonly #logger: Logger;

  constructor(initial: readonly AuthInfo[], logger: Logger) {
    this.#all = [...initial];
    this.#logger = logger;
  }

  /** Sends every credential on a new connection. */
  sendAll(connection: Connection): void {
    for (const info of this.#all) this.#send(connection, { info, resolve: () => {}, reject: () => {} });
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
    const i = this.#all.indexOf(waiter.info);
    if (i >= 0) this.#all.splice(i, 1);
    this.#logger.warn?.({ scheme: waiter.info.scheme }, 'authentication failed');
    waiter.reject(new AuthFailedError({ message: `AuthFailed: the server refused ${waiter.info.scheme} credentials` }));
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
