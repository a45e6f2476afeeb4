import { DeleteContainerRequest, encode, JuteReader, OpCode } from '@zookit/protocol';
import type { DataTree } from './data-tree.js';
import type { LogEntry } from './log-entry.js';
import type { EntryDraft } from './pending-log.js';
import { CONTAINER_OWNER, ownerTtl } from './znode.js';

/**
 * Container and TTL nodes due for deletion at `now` (ZooKeeper's ContainerManager): a container
 * with no children that has had one (its stored cversion > 0); a TTL node with no children not
 * modified for longer than its TTL.
 */
export function dueForReaping(tree: DataTree, now: number): string[] {
  const due: string[] = [];
  for (const path of tree.extendedNodes()) {
    const node = tree.get(path);
    if (!node || node.children.size > 0) continue;
    const ttl = ownerTtl(node.ephemeralOwner);
    const expired =
      node.ephemeralOwner === CONTAINER_OWNER ? node.cversion > 0 : ttl !== undefined && BigInt(now) - node.mtime > ttl;
    if (expired) due.push(path);
  }
  return due;
}

/**
 * The reaper's schedule and the deletes it has in flight. It looks for nodes at most once per
 * `intervalMs` and asks for each as a deleteContainer entry of session 0 (which the apply
 * re-checks, so a node that gained a child meanwhile stays). A path stays in flight, and is not
 * asked for again, until that entry is applied, whatever its result.
 */
export class Reaper {
  readonly #intervalMs: number;
  readonly #inFlight = new Set<string>();
  #nextScan = 0;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The deleteContainer entries to log at `now`: none before the next scan is due. */
  due(tree: DataTree, now: number): EntryDraft[] {
    if (now < this.#nextScan) return [];
    this.#nextScan = now + this.#intervalMs;
    const drafts: EntryDraft[] = [];
    for (const path of dueForReaping(tree, now)) {
      if (this.#inFlight.has(path)) continue;
      this.#inFlight.add(path);
      const body = encode(DeleteContainerRequest, { path });
      drafts.push({ type: OpCode.deleteContainer, sessionId: 0n, cxid: 0, body, ids: [] });
    }
    return drafts;
  }

  /** Notes an applied entry: the reaper's own delete of a path takes it out of flight. */
  applied(entry: LogEntry): void {
    if (entry.type !== OpCode.deleteContainer || entry.sessionId !== 0n) return;
    // Only the reaper's own entries (session 0) are tracked; their bodies are well formed.
    this.#inFlight.delete(DeleteContainerRequest.decode(new JuteReader(entry.body ?? new Uint8Array(0))).path);
  }
}
