import type { ServerCore } from '../core/server-core.js';
import type { FourLetterWord } from '../net/four-letter-words.js';

/** ZooKeeper's version line, as `srvr` prints it. */
export const VERSION_LINE = 'Zookeeper version: 3.9.3-zookit, built on 01/01/2026 00:00 GMT';

/**
 * The text answer to a four-letter word, in ZooKeeper's formats. Only the commands implemented
 * so far answer; the others say so.
 */
export function answerFourLetterWord(word: FourLetterWord, core: ServerCore, _now: number): string {
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'isro':
      return 'rw';
    case 'srvr':
      return [
        VERSION_LINE,
        'Latency min/avg/max: 0/0.0/0',
        'Received: 0',
        'Sent: 0',
        `Connections: ${core.connections.size}`,
        'Outstanding: 0',
        `Zxid: 0x${core.lastZxid.toString(16)}`,
        'Mode: standalone',
        `Node count: ${core.tree.size}`,
        '',
      ].join('\n');
    default:
      return `${word} is not implemented by this server yet.\n`;
  }
}
