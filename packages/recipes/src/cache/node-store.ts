import type { TreeCacheEvent } from './cache-event.js';
import { type CachedNode, classify, depthBelow, parentOf } from './cache-node.js';

/**
 * The cached tree: path → node, plus each node's child names, and the change events that
 * applying reads to it produces. Reads must be applied in the order they were issued (one
 * session's replies come in that order, so each applied read is at least as new as the ones
 * before); zxids then tell a change from a re-read.
 */
export class NodeStore {
  readonly #nodes = new Map<string, CachedNode>();
  readonly #children = new Map<string, Set<string>>();
  readonly #root: string;
  readonly #emit: (event: TreeCacheEvent) => void;

  constructor(root: string, emit: (event: TreeCacheEvent) => void) {
    this.#root = root;
    this.#emit = emit;
  }

  get size(): number {
    return this.#nodes.size;
  }

  get(path: string): CachedNode | undefined {
    return this.#nodes.get(path);
  }

  /** Child names of a cached node, sorted; undefined when the node is not cached. */
  children(path: string): string[] | undefined {
    if (!this.#nodes.has(path)) return undefined;
    return [...(this.#children.get(path) ?? [])].sort();
  }

  paths(): string[] {
    return [...this.#nodes.keys()];
  }

  /** Applies a read that found `fresh`. */
  put(fresh: CachedNode): void {
    const cached = this.#nodes.get(fresh.path);
    switch (classify(cached, fresh)) {
      case 'created':
        this.#set(fresh);
        this.#emit({ type: 'created', path: fresh.path, node: fresh });
        return;
      case 'replaced':
        // The cached incarnation and its descendants were deleted; newer descendants (created
        // after this incarnation, so with a greater czxid) may already be cached and stay.
        this.#removeSubtree(fresh.path, (node) => node.stat.czxid < fresh.stat.czxid);
        this.#set(fresh);
        this.#emit({ type: 'created', path: fresh.path, node: fresh });
        return;
      case 'updated':
        this.#set(fresh);
        this.#emit({ type: 'updated', path: fresh.path, node: fresh, previous: cached as CachedNode });
        return;
      case 'unchanged':
        this.#set(fresh); // same data, possibly newer child counts
        return;
      case 'stale':
        return;
    }
  }

  /** Applies a read that found no node at `path`: it and its cached descendants are gone. */
  remove(path: string): void {
    this.#removeSubtree(path, () => true);
  }

  /**
   * Replaces the whole content with a complete read of the tree (`fresh`, parents before
   * children), reporting the differences: deletions first (deepest first), then creations and
   * updates (parents first).
   */
  replaceAll(fresh: ReadonlyMap<string, CachedNode>): void {
    const gone = [...this.#nodes.values()]
      .filter((node) => fresh.get(node.path)?.stat.czxid !== node.stat.czxid)
      .sort((a, b) => depthBelow(this.#root, b.path) - depthBelow(this.#root, a.path));
    for (const node of gone) this.#delete(node);
    for (const node of fresh.values()) this.put(node);
  }

  /** Forgets everything without events. */
  clear(): void {
    this.#nodes.clear();
    this.#children.clear();
  }

  #set(node: CachedNode): void {
    this.#nodes.set(node.path, node);
    if (node.path === this.#root) return;
    const parent = parentOf(node.path);
    let names = this.#children.get(parent);
    if (!names) {
      names = new Set();
      this.#children.set(parent, names);
    }
    names.add(node.path.slice(parent === '/' ? 1 : parent.length + 1));
  }

  #delete(node: CachedNode): void {
    this.#nodes.delete(node.path);
    if (node.path !== this.#root) {
      const parent = parentOf(node.path);
      const names = this.#children.get(parent);
      names?.delete(node.path.slice(parent === '/' ? 1 : parent.length + 1));
      if (names?.size === 0) this.#children.delete(parent);
    }
    this.#emit({ type: 'deleted', path: node.path, node });
  }

  /** Deletes (deepest first) the cached nodes at and below `path` that `which` selects. */
  #removeSubtree(path: string, which: (node: CachedNode) => boolean): void {
    const found: CachedNode[] = [];
    const visit = (p: string) => {
      for (const name of this.#children.get(p) ?? []) visit(p === '/' ? `/${name}` : `${p}/${name}`);
      const node = this.#nodes.get(p);
      if (node && which(node)) found.push(node);
    };
    visit(path);
    for (const node of found) this.#delete(node);
  }
}
