import { type AssignFunction, assignPartitions } from './assign-partitions.js';
import type { PartitionAssignerOptions } from './partition-assigner.js';
import type { PartitionWorker } from './partition-slot.js';

/** The options of a PartitionAssigner, checked (TypeError/RangeError naming the option) and defaulted. */
export function checkOptions(options: PartitionAssignerOptions): {
  memberId: string;
  partitions: readonly string[];
  worker: PartitionWorker | undefined;
  capacity: number;
  assign: AssignFunction;
  debounce: number;
  onPartitionsAtRisk: ((signal: AbortSignal) => void) | undefined;
} {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
  const { memberId, worker, assign, onPartitionsAtRisk } = options;
  if (!isNodeName(memberId)) throw new TypeError(`memberId: expected a node name, got ${JSON.stringify(memberId)}`);
  const capacity = options.capacity ?? 1;
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0) {
    throw new RangeError(`capacity: expected a finite number >= 0, got ${String(capacity)}`);
  }
  const debounce = options.debounce ?? 1000;
  if (typeof debounce !== 'number' || !Number.isFinite(debounce) || debounce < 0) {
    throw new RangeError(`debounce: expected a finite number of ms >= 0, got ${String(debounce)}`);
  }
  for (const [name, fn] of Object.entries({ worker, assign, onPartitionsAtRisk })) {
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`${name}: expected a function`);
  }
  return {
    memberId,
    partitions: checkPartitions(options.partitions),
    worker,
    capacity,
    assign: assign ?? assignPartitions,
    debounce,
    onPartitionsAtRisk,
  };
}

function checkPartitions(partitions: number | readonly string[]): readonly string[] {
  if (typeof partitions === 'number') {
    if (!Number.isSafeInteger(partitions) || partitions < 1) {
      throw new RangeError(`partitions: expected an integer >= 1 or a list of names, got ${partitions}`);
    }
    return Array.from({ length: partitions }, (_, i) => String(i));
  }
  if (!Array.isArray(partitions) || partitions.length === 0) {
    throw new TypeError('partitions: expected an integer >= 1 or a non-empty list of names');
  }
  const seen = new Set<string>();
  for (const p of partitions) {
    if (!isNodeName(p)) throw new TypeError(`partitions: ${JSON.stringify(p)} is not a node name`);
    if (seen.has(p)) throw new TypeError(`partitions: ${JSON.stringify(p)} is listed twice`);
    seen.add(p);
  }
  return [...partitions];
}

function isNodeName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !name.includes('/');
}
