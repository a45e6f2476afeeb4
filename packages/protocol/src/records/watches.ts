// Watch records of zookeeper.jute's `org.apache.zookeeper.proto` module.
import { int, long, type RecordCodec, record, ustring, vector } from '../jute/codec.js';

/** A notification (xid -1): `type` is an {@link EventType}, `state` a {@link KeeperState}. */
export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}
export const WatcherEvent: RecordCodec<WatcherEvent> = record<WatcherEvent>('WatcherEvent', {
  type: int,
  state: int,
  path: ustring,
});

/** Re-registers one-shot watches after a reconnect (xid -8, op setWatches). */
export interface SetWatches {
  relativeZxid: bigint;
  dataWatches: string[];
  existWatches: string[];
  childWatches: string[];
}
export const SetWatches: RecordCodec<SetWatches> = record<SetWatches>('SetWatches', {
  relativeZxid: long,
  dataWatches: vector(ustring),
  existWatches: vector(ustring),
  childWatches: vector(ustring),
});

/** {@link SetWatches} plus persistent and persistent-recursive watches (xid -8, op setWatches2). */
export interface SetWatches2 {
  relativeZxid: bigint;
  dataWatches: string[];
  existWatches: string[];
  childWatches: string[];
  persistentWatches: string[];
  persistentRecursiveWatches: string[];
}
export const SetWatches2: RecordCodec<SetWatches2> = record<SetWatches2>('SetWatches2', {
  relativeZxid: long,
  dataWatches: vector(ustring),
  existWatches: vector(ustring),
  childWatches: vector(ustring),
  persistentWatches: vector(ustring),
  persistentRecursiveWatches: vector(ustring),
});

/** addWatch (op 106); `mode` is an {@link AddWatchMode}. Reply body is an ErrorResponse with err 0. */
export interface AddWatchRequest {
  path: string;
  mode: number;
}
export const AddWatchRequest: RecordCodec<AddWatchRequest> = record<AddWatchRequest>('AddWatchRequest', {
  path: ustring,
  mode: int,
});

/** checkWatches (op 17); `type` is a {@link WatcherType}. */
export interface CheckWatchesRequest {
  path: string;
  type: number;
}
export const CheckWatchesRequest: RecordCodec<CheckWatchesRequest> = record<CheckWatchesRequest>(
  'CheckWatchesRequest',
  {
    path: ustring,
    type: int,
  },
);

/** removeWatches (op 18); `type` is a {@link WatcherType}. */
export interface RemoveWatchesRequest {
  path: string;
  type: number;
}
export const RemoveWatchesRequest: RecordCodec<RemoveWatchesRequest> = record<RemoveWatchesRequest>(
  'RemoveWatchesRequest',
  {
    path: ustring,
    type: int,
  },
);
