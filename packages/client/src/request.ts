import type { JuteReader, JuteWriter, ReplyHeader } from '@zookit/protocol';
import { createZooKeeperError } from './errors.js';
import type { WatchKind } from './watches/watch-registry.js';

/**
 * One operation as the session sends it: its op code, how to write its body, and how to turn
 * the reply into a result. `decode` runs synchronously when the reply frame arrives, so side
 * effects that must follow the server's order (registering a watch) happen there.
 */
export interface Request<T> {
  /** Op code (OpCode). */
  readonly type: number;
  /** The client-side path, for error messages. */
  readonly path?: string | undefined;
  /** Writes the body after the RequestHeader; absent for ops without one. */
  readonly write?: ((writer: JuteWriter) => void) | undefined;
  /** The watch this request registers when it succeeds (tracked while the request is in flight). */
  readonly registers?: { readonly kind: WatchKind; readonly path: string } | undefined;
  /** Builds the result (or throws a ZooKeeperError) from the reply. */
  decode(header: ReplyHeader, reader: JuteReader): T;
}

/** Throws the ZooKeeperError of a non-zero reply code. */
export function throwIfError(header: ReplyHeader, path: string | undefined): void {
  if (header.err !== 0) throw createZooKeeperError(header.err, { path });
}
