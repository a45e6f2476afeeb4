// Administrative records of zookeeper.jute's `org.apache.zookeeper.proto` module.
import { int, long, type RecordCodec, record, ustring } from '../jute/codec.js';

/** reconfig (op 16): comma-separated server lists and the expected config version (-1 for any). */
export interface ReconfigRequest {
  joiningServers: string;
  leavingServers: string;
  newMembers: string;
  curConfigId: bigint;
}
export const ReconfigRequest: RecordCodec<ReconfigRequest> = record<ReconfigRequest>('ReconfigRequest', {
  joiningServers: ustring,
  leavingServers: ustring,
  newMembers: ustring,
  curConfigId: long,
});

/** Declared in zookeeper.jute but reachable by no op code. */
export interface GetMaxChildrenRequest {
  path: string;
}
export const GetMaxChildrenRequest: RecordCodec<GetMaxChildrenRequest> = record<GetMaxChildrenRequest>(
  'GetMaxChildrenRequest',
  {
    path: ustring,
  },
);

/** Declared in zookeeper.jute but reachable by no op code. */
export interface GetMaxChildrenResponse {
  max: number;
}
export const GetMaxChildrenResponse: RecordCodec<GetMaxChildrenResponse> = record<GetMaxChildrenResponse>(
  'GetMaxChildrenResponse',
  { max: int },
);

/** Declared in zookeeper.jute but reachable by no op code. */
export interface SetMaxChildrenRequest {
  path: string;
  max: number;
}
export const SetMaxChildrenRequest: RecordCodec<SetMaxChildrenRequest> = record<SetMaxChildrenRequest>(
  'SetMaxChildrenRequest',
  {
    path: ustring,
    max: int,
  },
);
