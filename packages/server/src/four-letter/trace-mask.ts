import type { ServerCore } from '../core/server-core.js';

/** ZooTrace's default text trace mask, what `gtmk` answers on a fresh ZooKeeper. */
const DEFAULT_TRACE_MASK = 306n;

// Per server, as ZooKeeper keeps one mask per JVM. The bundled server writes no trace log: the
// mask is only remembered, for gtmk to report what stmk set.
const masks = new WeakMap<ServerCore, bigint>();

/** `gtmk`: the trace mask in decimal, no newline. */
export function getTraceMask(core: ServerCore): string {
  return String(masks.get(core) ?? DEFAULT_TRACE_MASK);
}

/**
 * `stmk`: sets the trace mask to the signed 64-bit big-endian number in the 8 bytes after the
 * word and answers it in decimal, no newline. Without those 8 bytes ZooKeeper fails reading
 * them and closes without a word; so does this (empty answer, mask unchanged).
 */
export function setTraceMask(core: ServerCore, argument: Uint8Array | undefined): string {
  if (argument === undefined || argument.length < 8) return '';
  const mask = Buffer.from(argument.buffer, argument.byteOffset, 8).readBigInt64BE(0);
  masks.set(core, mask);
  return String(mask);
}
