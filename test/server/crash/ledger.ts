// What clients were told across kill -9 cycles, and the check that a restarted server kept it.
import type { ZooKeeperClient } from '@zookit/client';
import { expect } from 'vitest';

export const ROOT = '/crash';

/** Acknowledged writes (a reply was received); writes cut off by the kill are "unknown". */
export class Ledger {
  readonly sequential = new Set<string>();
  maxSequence = -1;
  /** Per worker node: the largest value a setData was acknowledged with (values only grow). */
  readonly values = new Map<string, number>();
  /** Per worker node: the last value sent. */
  readonly sent = new Map<string, number>();
  /** Multis that each create `a-<id>` and `b-<id>`. */
  readonly pairs = new Set<string>();
  acknowledged = 0;
  unknown = 0;

  sequence(path: string): void {
    const n = Number(path.slice(-10));
    // Replies come in server order: every new sequential name is above all acknowledged ones,
    // before and after restarts.
    expect(n, path).toBeGreaterThan(this.maxSequence);
    this.maxSequence = n;
    this.sequential.add(path.slice(path.lastIndexOf('/') + 1));
    this.acknowledged++;
  }

  value(node: string, v: number): void {
    this.values.set(node, Math.max(this.values.get(node) ?? -1, v));
    this.acknowledged++;
  }

  pair(id: string): void {
    this.pairs.add(id);
    this.acknowledged++;
  }

  /** Checks a restarted server against everything acknowledged so far. */
  async verify(zk: ZooKeeperClient): Promise<void> {
    const { children: q } = await zk.getChildren(`${ROOT}/q`);
    const present = new Set(q);
    for (const name of this.sequential) expect(present.has(name), `acknowledged ${name} lost`).toBe(true);
    for (const [node, v] of this.values) {
      const { data } = await zk.getData(node);
      expect(Number(data?.toString()), `${node} went back`).toBeGreaterThanOrEqual(v);
    }
    const { children: m } = await zk.getChildren(`${ROOT}/m`);
    const names = new Set(m);
    for (const id of this.pairs) expect(names.has(`a-${id}`), `acknowledged multi ${id} lost`).toBe(true);
    for (const name of names) {
      const other = name.startsWith('a-') ? `b-${name.slice(2)}` : `a-${name.slice(2)}`;
      expect(names.has(other), `half-applied multi: ${name} without ${other}`).toBe(true);
    }
  }
}
