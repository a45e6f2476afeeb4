// Znode read/write records of zookeeper.jute's `org.apache.zookeeper.proto` module.
import { boolean, buffer, int, long, type RecordCodec, record, ustring, vector } from '../jute/codec.js';
import { ACL, Stat } from './data.js';

/** create, create2 and createContainer (op 1, 15, 19); `flags` is a {@link CreateMode}. */
export interface CreateRequest {
  path: string;
  data: Uint8Array | null;
  acl: ACL[];
  flags: number;
}
export const CreateRequest: RecordCodec<CreateRequest> = record<CreateRequest>('CreateRequest', {
  path: ustring,
  data: buffer,
  acl: vector(ACL),
  flags: int,
});

/** createTTL (op 21): a {@link CreateRequest} plus `ttl` in milliseconds. */
export interface CreateTTLRequest {
  path: string;
  data: Uint8Array | null;
  acl: ACL[];
  flags: number;
  ttl: bigint;
}
export const CreateTTLRequest: RecordCodec<CreateTTLRequest> = record<CreateTTLRequest>('CreateTTLRequest', {
  path: ustring,
  data: buffer,
  acl: vector(ACL),
  flags: int,
  ttl: long,
});

/** Reply to create (op 1): the actual path (with the sequential suffix, if any). */
export interface CreateResponse {
  path: string;
}
export const CreateResponse: RecordCodec<CreateResponse> = record<CreateResponse>('CreateResponse', { path: ustring });

/** Reply to create2, createContainer and createTTL: the actual path and the new node's Stat. */
export interface Create2Response {
  path: string;
  stat: Stat;
}
export const Create2Response: RecordCodec<Create2Response> = record<Create2Response>('Create2Response', {
  path: ustring,
  stat: Stat,
});

/** delete (op 2); `version` -1 matches any version. Reply has no body. */
export interface DeleteRequest {
  path: string;
  version: number;
}
export const DeleteRequest: RecordCodec<DeleteRequest> = record<DeleteRequest>('DeleteRequest', {
  path: ustring,
  version: int,
});

/** deleteContainer (op 20), a hand-written record in ZooKeeper (DeleteContainerRequest.java). */
export interface DeleteContainerRequest {
  path: string;
}
export const DeleteContainerRequest: RecordCodec<DeleteContainerRequest> = record<DeleteContainerRequest>(
  'DeleteContainerRequest',
  { path: ustring },
);

/** exists (op 3); the watch is set even when the node does not exist. */
export interface ExistsRequest {
  path: string;
  watch: boolean;
}
export const ExistsRequest: RecordCodec<ExistsRequest> = record<ExistsRequest>('ExistsRequest', {
  path: ustring,
  watch: boolean,
});

/** Reply to exists; a missing node is error NoNode instead. */
export interface ExistsResponse {
  stat: Stat;
}
export const ExistsResponse: RecordCodec<ExistsResponse> = record<ExistsResponse>('ExistsResponse', { stat: Stat });

/** getData (op 4). */
export interface GetDataRequest {
  path: string;
  watch: boolean;
}
export const GetDataRequest: RecordCodec<GetDataRequest> = record<GetDataRequest>('GetDataRequest', {
  path: ustring,
  watch: boolean,
});

/** Reply to getData: data (`null` when the node was created with null data) and Stat. */
export interface GetDataResponse {
  data: Uint8Array | null;
  stat: Stat;
}
export const GetDataResponse: RecordCodec<GetDataResponse> = record<GetDataResponse>('GetDataResponse', {
  data: buffer,
  stat: Stat,
});

/** setData (op 5); `version` -1 matches any version. */
export interface SetDataRequest {
  path: string;
  data: Uint8Array | null;
  version: number;
}
export const SetDataRequest: RecordCodec<SetDataRequest> = record<SetDataRequest>('SetDataRequest', {
  path: ustring,
  data: buffer,
  version: int,
});

/** Reply to setData: the node's new Stat. */
export interface SetDataResponse {
  stat: Stat;
}
export const SetDataResponse: RecordCodec<SetDataResponse> = record<SetDataResponse>('SetDataResponse', { stat: Stat });

/** check (op 13): a version assertion, valid only inside multi. */
export interface CheckVersionRequest {
  path: string;
  version: number;
}
export const CheckVersionRequest: RecordCodec<CheckVersionRequest> = record<CheckVersionRequest>(
  'CheckVersionRequest',
  {
    path: ustring,
    version: int,
  },
);

/** getChildren (op 8). */
export interface GetChildrenRequest {
  path: string;
  watch: boolean;
}
export const GetChildrenRequest: RecordCodec<GetChildrenRequest> = record<GetChildrenRequest>('GetChildrenRequest', {
  path: ustring,
  watch: boolean,
});

/** Reply to getChildren: child names (not paths), in no guaranteed order. */
export interface GetChildrenResponse {
  children: string[];
}
export const GetChildrenResponse: RecordCodec<GetChildrenResponse> = record<GetChildrenResponse>(
  'GetChildrenResponse',
  {
    children: vector(ustring),
  },
);

/** getChildren2 (op 12): getChildren that also returns the parent's Stat. */
export interface GetChildren2Request {
  path: string;
  watch: boolean;
}
export const GetChildren2Request: RecordCodec<GetChildren2Request> = record<GetChildren2Request>(
  'GetChildren2Request',
  {
    path: ustring,
    watch: boolean,
  },
);

/** Reply to getChildren2. */
export interface GetChildren2Response {
  children: string[];
  stat: Stat;
}
export const GetChildren2Response: RecordCodec<GetChildren2Response> = record<GetChildren2Response>(
  'GetChildren2Response',
  {
    children: vector(ustring),
    stat: Stat,
  },
);

/** getAllChildrenNumber (op 104): counts every descendant, not the node itself. */
export interface GetAllChildrenNumberRequest {
  path: string;
}
export const GetAllChildrenNumberRequest: RecordCodec<GetAllChildrenNumberRequest> =
  record<GetAllChildrenNumberRequest>('GetAllChildrenNumberRequest', { path: ustring });

/** Reply to getAllChildrenNumber. */
export interface GetAllChildrenNumberResponse {
  totalNumber: number;
}
export const GetAllChildrenNumberResponse: RecordCodec<GetAllChildrenNumberResponse> =
  record<GetAllChildrenNumberResponse>('GetAllChildrenNumberResponse', { totalNumber: int });

/** getEphemerals (op 103): the caller's own ephemerals whose path starts with `prefixPath`. */
export interface GetEphemeralsRequest {
  prefixPath: string;
}
export const GetEphemeralsRequest: RecordCodec<GetEphemeralsRequest> = record<GetEphemeralsRequest>(
  'GetEphemeralsRequest',
  {
    prefixPath: ustring,
  },
);

/** Reply to getEphemerals: full paths. */
export interface GetEphemeralsResponse {
  ephemerals: string[];
}
export const GetEphemeralsResponse: RecordCodec<GetEphemeralsResponse> = record<GetEphemeralsResponse>(
  'GetEphemeralsResponse',
  {
    ephemerals: vector(ustring),
  },
);

/** sync (op 9): the path is echoed back once the server is up to date with the leader. */
export interface SyncRequest {
  path: string;
}
export const SyncRequest: RecordCodec<SyncRequest> = record<SyncRequest>('SyncRequest', { path: ustring });

/** Reply to sync. */
export interface SyncResponse {
  path: string;
}
export const SyncResponse: RecordCodec<SyncResponse> = record<SyncResponse>('SyncResponse', { path: ustring });
