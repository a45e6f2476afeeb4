/**
 * Recipe events on `node:diagnostics_channel`, for tracing and metrics without a dependency:
 * subscribe with `diagnostics_channel.subscribe(LEASE_CHANNEL, fn)`. A message is built and
 * published only while the channel has subscribers, so an unobserved recipe pays nothing.
 *
 * Guaranteed: every lease of Mutex, ReadWriteLock and Semaphore (and so SemaphoreMutex, reported
 * as `Semaphore`, and LeaderSelector's queue, a Mutex) publishes `granted` once, then exactly
 * one of `lost` (the lease may no longer be held: `reason` says why) or `released` (its
 * `release()` ended it); LeaderLatch and LeaderSelector publish `granted` and then one `lost`
 * per leadership. Messages are published synchronously, in the order the recipe saw the
 * transitions in one process. Not guaranteed: the order between processes, or that `lost` is
 * published before another process's `granted` (the advice of `signal` applies: use the token).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { LeaseLostError } from './locks/lease.js';

/** The channel of lease transitions ({@link LeaseEvent}). */
export const LEASE_CHANNEL = 'zookit:recipes:lease';
/** The channel of leadership transitions ({@link LeadershipEvent}). */
export const LEADERSHIP_CHANNEL = 'zookit:recipes:leadership';

/** A message on {@link LEASE_CHANNEL}. */
export interface LeaseEvent {
  readonly event: 'granted' | 'lost' | 'released';
  readonly recipe: 'Mutex' | 'ReadWriteLock' | 'Semaphore';
  /** The recipe's path. */
  readonly path: string;
  /** The holder's node. */
  readonly node: string;
  /** The lease's fencing token (the czxid of `node`). */
  readonly token: bigint;
  /** Why a `lost` lease ended (`signal.reason.reason`). */
  readonly reason?: Exclude<LeaseLostError['reason'], 'released'>;
}

/** A message on {@link LEADERSHIP_CHANNEL}. */
export interface LeadershipEvent {
  readonly event: 'granted' | 'lost';
  readonly recipe: 'LeaderLatch' | 'LeaderSelector';
  /** The election's path. */
  readonly path: string;
  /** The participant id. */
  readonly id: string;
}

const leaseChannel = diagnosticsChannel.channel(LEASE_CHANNEL);
const leadershipChannel = diagnosticsChannel.channel(LEADERSHIP_CHANNEL);

/** Publishes `message()` on {@link LEASE_CHANNEL} if anyone listens. */
export function publishLease(message: () => LeaseEvent): void {
  if (leaseChannel.hasSubscribers) leaseChannel.publish(message());
}

/** Publishes on {@link LEADERSHIP_CHANNEL} if anyone listens. */
export function publishLeadership(message: LeadershipEvent): void {
  if (leadershipChannel.hasSubscribers) leadershipChannel.publish(message);
}
