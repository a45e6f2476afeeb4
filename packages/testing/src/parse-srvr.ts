/** The fields of a `srvr` answer that tests need. */
export interface SrvrStatus {
  /** `Zookeeper version:` line, e.g. `3.8.0-..., built on ...`. */
  version: string;
  /** `standalone`, `leader`, `follower`, `observer` or `read-only`. */
  mode: string;
  /** The server's last applied zxid. */
  zxid: bigint;
  /** Number of znodes, including `/` and `/zookeeper/...`. */
  nodeCount: number;
  /** Open client connections, including the one that asked. */
  connections: number;
}

/**
 * Parses the answer to the `srvr` four-letter word. Returns `undefined` for a server that is
 * running but not serving: it answers "This ZooKeeper instance is not currently serving
 * requests" (starting up, or a quorum member without a quorum), or closes the connection
 * without a word (a member changing role, e.g. right after its leader died).
 * @throws {Error} when a serving server's answer lacks a field (a format this parser does not know).
 */
export function parseSrvr(text: string): SrvrStatus | undefined {
  if (text.trim() === '' || /not currently serving requests/.test(text)) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const field = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined) throw new Error(`srvr answer has no '${name}:' line: ${JSON.stringify(text)}`);
    return value;
  };
  return {
    version: field('Zookeeper version'),
    mode: field('Mode'),
    zxid: BigInt(field('Zxid')),
    nodeCount: Number(field('Node count')),
    connections: Number(field('Connections')),
  };
}
