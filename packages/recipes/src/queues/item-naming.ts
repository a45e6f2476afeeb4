/**
 * How a queue variant names its item nodes and orders them: every item is
 * `<queuePath>/queue-<key><sequence>`, with the variant's key (Curator's formats, so both
 * list one queue alike):
 * - plain: no key (`queue-0000000007`);
 * - priority: `1` + 8 hex digits for a priority ≥ 0, `0` + the 8 hex digits of its unsigned
 *   32-bit value for a negative one (`queue-1000000050000000007`), so the text order is the
 *   numeric order, lowest first;
 * - delay: `|<epoch ms in hex>|` (`queue-|18C1A2B3C4D|0000000007`), earliest first;
 * - id: `|<id>|` (`queue-|job-42|0000000007`), FIFO whatever the id.
 * Within one key, items are ordered by their sequence as serial numbers
 * (`internal/sequence-order.ts`), so the counter's wrap past 2^31 - 1 keeps FIFO; tied sequences
 * (ZooKeeper 3.8's saturated counter) by czxid. Children that do not parse are not items.
 */
import { compareCzxids, compareSuffixes, type QueueOrder, textOrder } from '../internal/sequence-order.js';

/** The prefix of every item node's name (Curator's `queue-`). */
export const ITEM_PREFIX = 'queue-';

const SEPARATOR = '|';

/** An item's name split into the variant's key and ZooKeeper's sequence suffix. */
export interface ItemName {
  readonly key: string;
  readonly sequence: string;
}

/** One variant's naming: how to split a name, how keys compare, and when an item is due. */
export interface ItemNaming {
  parse(name: string): ItemName | undefined;
  /** Orders two keys (0 when items with these keys are ordered by sequence alone). */
  compareKeys(a: string, b: string): number;
  /** The epoch ms before which an item with this key must not be consumed; undefined: at once. */
  dueAt?(key: string): number | undefined;
}

export const plainNaming: ItemNaming = {
  parse: (name) => (name.startsWith(ITEM_PREFIX) ? { key: '', sequence: name.slice(ITEM_PREFIX.length) } : undefined),
  compareKeys: () => 0,
};

/** The key of `priority` (a 32-bit signed int): its sign bit inverted, then 8 hex digits. */
export function priorityKey(priority: number): string {
  return `${priority >= 0 ? '1' : '0'}${(priority >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

export const priorityNaming: ItemNaming = {
  parse: (name) => {
    if (!name.startsWith(ITEM_PREFIX)) return undefined;
    const rest = name.slice(ITEM_PREFIX.length);
    return /^[01][0-9A-F]{8}/.test(rest) ? { key: rest.slice(0, 9), sequence: rest.slice(9) } : undefined;
  },
  compareKeys: textOrder,
};

/** `|id|` or `|epoch hex|`: the text between the first two separators after the prefix. */
function parseFramed(name: string): ItemName | undefined {
  if (!name.startsWith(ITEM_PREFIX + SEPARATOR)) return undefined;
  const end = name.indexOf(SEPARATOR, ITEM_PREFIX.length + 1);
  if (end < 0) return undefined;
  return { key: name.slice(ITEM_PREFIX.length, end + 1), sequence: name.slice(end + 1) };
}

/** The key of an item due at `epochMs`. */
export function delayKey(epochMs: number): string {
  return `${SEPARATOR}${epochMs.toString(16).toUpperCase()}${SEPARATOR}`;
}

function epochOf(key: string): number {
  const n = Number.parseInt(key.slice(1, -1), 16);
  return Number.isFinite(n) ? n : 0;
}

export const delayNaming: ItemNaming = {
  parse: parseFramed,
  compareKeys: (a, b) => epochOf(a) - epochOf(b),
  dueAt: epochOf,
};

/** The key of an item with `id` (checked by the caller: no `/` nor `|`). */
export function idKey(id: string): string {
  return `${SEPARATOR}${id}${SEPARATOR}`;
}

/** The id in an id queue item's key. */
export function idOf(key: string): string {
  return key.slice(1, -1);
}

export const idNaming: ItemNaming = {
  parse: parseFramed,
  compareKeys: () => 0,
};

/** The {@link QueueOrder} of `naming`'s items: key, then sequence, then czxid, then name. */
export function itemOrder(naming: ItemNaming): QueueOrder {
  const key = (child: string) => {
    const item = naming.parse(child);
    return item ? `${item.key}${SEPARATOR}${item.sequence}` : child;
  };
  const compare = (a: string, b: string) => {
    const ia = naming.parse(a);
    const ib = naming.parse(b);
    if (!ia || !ib) return ia ? -1 : ib ? 1 : 0;
    return naming.compareKeys(ia.key, ib.key) || compareSuffixes(ia.sequence, ib.sequence);
  };
  return {
    key,
    sort: (children, czxids) =>
      [...children].sort((a, b) => compare(a, b) || compareCzxids(a, b, czxids) || textOrder(a, b)),
  };
}
