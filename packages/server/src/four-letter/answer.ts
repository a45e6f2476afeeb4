import type { ServerCore } from '../core/server-core.js';
import type { FourLetterWord } from '../net/four-letter-words.js';
import { cons, resetConnectionStats } from './connections.js';
import { dump } from './dump.js';
import { mntr } from './mntr.js';
import { conf, dirs, envi, resetServerStats, srvr, stat } from './server-info.js';
import { getTraceMask, setTraceMask } from './trace-mask.js';
import { wchc, wchp, wchs } from './watches.js';

/** What a four-letter word may report on: the server's state and the settings the core does not hold. */
export interface FourLetterContext {
  readonly core: ServerCore;
  /** Wall-clock time in ms. */
  readonly now: number;
  /** The client port the server listens on (`conf` clientPort). */
  readonly port: number;
  /** The data directory; absent for an in-memory server (`conf` and `dirs` then report no directory and size 0). */
  readonly dataDir?: string | undefined;
  /** Connections allowed per client IP (`conf` maxClientCnxns). Default 60. */
  readonly maxClientCnxns?: number | undefined;
  /**
   * The connection that sent the word. ZooKeeper lists it (as an idle connection without a
   * session) in `stat`, `cons`, `dump` and the connection counts, and counts the word and the
   * answer as packets received and sent; without it those answers cover client connections only.
   */
  readonly client?: { readonly ip: string; readonly port: number } | undefined;
  /** Bytes that followed the word on the connection: `stmk` takes its mask from the first 8. */
  readonly argument?: Uint8Array | undefined;
}

/**
 * The text answer to a four-letter word, in ZooKeeper 3.8's format (same lines, labels, order
 * and trailing newlines). `crst`, `srst` and `stmk` change state, as in ZooKeeper; the others
 * only read. The caller writes the text and closes the connection.
 */
export function answerFourLetterWord(word: FourLetterWord, context: FourLetterContext): string {
  if (!context.client) return answer(word, context);
  const { stats } = context.core;
  // ZooKeeper counts the word as a packet received before answering, and its answer as a packet sent after.
  stats.packetsReceived++;
  const text = answer(word, context);
  stats.packetsSent++;
  return text;
}

function answer(word: FourLetterWord, context: FourLetterContext): string {
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'isro':
      return 'rw';
    case 'srvr':
      return srvr(context);
    case 'stat':
      return stat(context);
    case 'conf':
      return conf(context);
    case 'envi':
      return envi();
    case 'dirs':
      return dirs(context);
    case 'srst':
      return resetServerStats(context);
    case 'cons':
      return cons(context);
    case 'crst':
      return resetConnectionStats(context);
    case 'mntr':
      return mntr(context);
    case 'dump':
      return dump(context);
    case 'wchs':
      return wchs(context);
    case 'wchc':
      return wchc(context);
    case 'wchp':
      return wchp(context);
    case 'gtmk':
      return getTraceMask(context.core);
    case 'stmk':
      return setTraceMask(context.core, context.argument);
    case 'hash':
      // ZooKeeper lists "zxid: digest" for every 128th zxid; this server computes no tree
      // digests, so its history is empty (as ZooKeeper's before zxid 0x80).
      return '';
  }
}
