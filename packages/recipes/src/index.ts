/**
 * @zookit/recipes — coordination recipes on @zookit/client: locks with fencing tokens, leader
 * election, fencing helpers, service discovery, partition assignment, queues. Each recipe's module header states its behaviour on suspended,
 * lost, session expiry and close; docs/recipes.md has the table.
 */

export type { BarrierCallOptions } from './barriers/barrier.js';
export { Barrier } from './barriers/barrier.js';
export type { DoubleBarrierOptions } from './barriers/double-barrier.js';
export { DoubleBarrier } from './barriers/double-barrier.js';
export type { TreeCacheEvent } from './cache/cache-event.js';
export type { CachedNode } from './cache/cache-node.js';
export type { NodeCacheEvent } from './cache/node-cache.js';
export { NodeCache } from './cache/node-cache.js';
export type { PathChildrenCacheEvent, PathChildrenCacheOptions } from './cache/path-children-cache.js';
export { PathChildrenCache } from './cache/path-children-cache.js';
export type { TreeCacheOptions } from './cache/tree-cache.js';
export { TreeCache } from './cache/tree-cache.js';
export type { ConnectionErrorPolicy } from './connection-error-policy.js';
export { isErrorState } from './connection-error-policy.js';
export { AtomicLong } from './counters/atomic-long.js';
export type {
  AtomicCallOptions,
  AtomicOptions,
  AtomicResult,
  AtomicStats,
  PromotedToLock,
} from './counters/atomic-node.js';
export { AtomicValue } from './counters/atomic-value.js';
export { OutcomeUnknownError } from './counters/outcome-unknown-error.js';
export { SharedCount } from './counters/shared-count.js';
export type { SharedCallOptions, Versioned } from './counters/shared-node.js';
export { SharedValue } from './counters/shared-value.js';
export type { LeadershipEvent, LeaseEvent } from './diagnostics.js';
export { LEADERSHIP_CHANNEL, LEASE_CHANNEL } from './diagnostics.js';
export type { DownInstancePolicy } from './discovery/down-instances.js';
export type { ProviderStrategy } from './discovery/provider-strategy.js';
export { randomStrategy, roundRobinStrategy, stickyStrategy } from './discovery/provider-strategy.js';
export type { ServiceCacheEvent } from './discovery/service-cache.js';
export { ServiceCache } from './discovery/service-cache.js';
export type { ServiceDiscoveryOptions } from './discovery/service-discovery.js';
export { ServiceDiscovery } from './discovery/service-discovery.js';
export type { ServiceInstance, ServiceInstanceInit, ServiceType } from './discovery/service-instance.js';
export {
  decodeServiceInstance,
  encodeServiceInstance,
  ServiceInstanceFormatError,
  serviceInstance,
} from './discovery/service-instance.js';
export type { ServiceProviderOptions } from './discovery/service-provider.js';
export { ServiceProvider } from './discovery/service-provider.js';
export type { UriSpec, UriSpecPart } from './discovery/uri-spec.js';
export { buildUri, parseUriSpec } from './discovery/uri-spec.js';
export { FencedOutError, FencedStore } from './fencing/fenced-store.js';
export { guardedSetData } from './fencing/guarded-write.js';
export { fencedUpdate } from './fencing/sql.js';
export type { LeaderLatchOptions, Leadership } from './leader/leader-latch.js';
export { LeaderLatch } from './leader/leader-latch.js';
export type { LeaderSelectorOptions, Participant } from './leader/leader-selector.js';
export { LeaderSelector } from './leader/leader-selector.js';
export type { Lease } from './locks/lease.js';
export { LeaseLostError } from './locks/lease.js';
export type { LockEngineOptions, LockPolicy } from './locks/lock-engine.js';
export { exclusivePolicy, LockEngine } from './locks/lock-engine.js';
export { LockTimeoutError } from './locks/lock-timeout-error.js';
export type { Lockable, MultiLease } from './locks/multi-lock.js';
export { MultiLock } from './locks/multi-lock.js';
export type { AcquireOptions, MutexOptions } from './locks/mutex.js';
export { Mutex } from './locks/mutex.js';
export type { ReadWriteAcquireOptions, ReadWriteLockHalf, ReadWriteLockOptions } from './locks/read-write-lock.js';
export { LockRefusedError, ReadWriteLock } from './locks/read-write-lock.js';
export type { MaxLeasesSource, SemaphoreAcquireOptions, SemaphoreOptions } from './locks/semaphore.js';
export { InconsistentMaxLeasesError, Semaphore } from './locks/semaphore.js';
export type { SemaphoreMutexAcquireOptions, SemaphoreMutexOptions } from './locks/semaphore-mutex.js';
export { SemaphoreMutex } from './locks/semaphore-mutex.js';
export type { GroupMemberEvent, GroupMemberOptions } from './nodes/group-member.js';
export { GroupMember } from './nodes/group-member.js';
export type { MembershipEvent, MembershipView } from './nodes/membership.js';
export { Membership } from './nodes/membership.js';
export type { PersistentNodeMode, PersistentNodeOptions } from './nodes/persistent-node.js';
export { PersistentNode } from './nodes/persistent-node.js';
export type {
  PersistentWatcherEvent,
  PersistentWatcherOptions,
  PersistentWatcherReset,
} from './nodes/persistent-watcher.js';
export { PersistentWatcher } from './nodes/persistent-watcher.js';
export type {
  AssignFunction,
  AssignmentInput,
  AssignmentMember,
} from './partition/assign-partitions.js';
export { assignPartitions } from './partition/assign-partitions.js';
export type { AssignmentRecord } from './partition/assignment-record.js';
export type {
  PartitionAssignerEvent,
  PartitionAssignerOptions,
  PartitionWorker,
  RevokeReason,
} from './partition/partition-assigner.js';
export { PartitionAssigner } from './partition/partition-assigner.js';
export { DistributedDelayQueue } from './queues/distributed-delay-queue.js';
export { DistributedIdQueue } from './queues/distributed-id-queue.js';
export { DistributedPriorityQueue } from './queues/distributed-priority-queue.js';
export { DistributedQueue } from './queues/distributed-queue.js';
export type { QueueEngine } from './queues/queue-engine.js';
export type {
  DistributedQueueOptions,
  QueueConsumer,
  QueueErrorMode,
  QueueEvent,
  QueueItem,
  QueueMode,
  QueuePutOptions,
} from './queues/queue-types.js';
export { QueueEmptyError, SimpleDistributedQueue } from './queues/simple-distributed-queue.js';
