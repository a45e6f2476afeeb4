import { OpCode } from './constants/op-code.js';
import type { Codec } from './jute/codec.js';
import { GetACLRequest, GetACLResponse, SetACLRequest, SetACLResponse } from './records/acl.js';
import { ReconfigRequest } from './records/admin.js';
import { ErrorResponse } from './records/headers.js';
import { MultiOperationRecord, MultiResponse } from './records/multi.js';
import {
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteContainerRequest,
  DeleteRequest,
  ExistsRequest,
  ExistsResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  SetDataRequest,
  SetDataResponse,
  SyncRequest,
  SyncResponse,
} from './records/nodes.js';
import { AuthPacket, GetSASLRequest, SetSASLResponse, WhoAmIResponse } from './records/session.js';
import {
  AddWatchRequest,
  CheckWatchesRequest,
  RemoveWatchesRequest,
  SetWatches,
  SetWatches2,
} from './records/watches.js';

/** The body records of one op: `null` where the op carries no body (or none on success). */
export interface OpRecords {
  readonly request: Codec<unknown> | null;
  readonly response: Codec<unknown> | null;
}

const entries: Array<[number, Codec<unknown> | null, Codec<unknown> | null]> = [
  [OpCode.create, CreateRequest, CreateResponse],
  [OpCode.delete, DeleteRequest, null],
  [OpCode.exists, ExistsRequest, ExistsResponse],
  [OpCode.getData, GetDataRequest, GetDataResponse],
  [OpCode.setData, SetDataRequest, SetDataResponse],
  [OpCode.getACL, GetACLRequest, GetACLResponse],
  [OpCode.setACL, SetACLRequest, SetACLResponse],
  [OpCode.getChildren, GetChildrenRequest, GetChildrenResponse],
  [OpCode.sync, SyncRequest, SyncResponse],
  [OpCode.ping, null, null],
  [OpCode.getChildren2, GetChildren2Request, GetChildren2Response],
  [OpCode.check, CheckVersionRequest, null],
  [OpCode.multi, MultiOperationRecord, MultiResponse],
  [OpCode.create2, CreateRequest, Create2Response],
  [OpCode.reconfig, ReconfigRequest, GetDataResponse],
  [OpCode.checkWatches, CheckWatchesRequest, null],
  [OpCode.removeWatches, RemoveWatchesRequest, null],
  [OpCode.createContainer, CreateRequest, Create2Response],
  [OpCode.deleteContainer, DeleteContainerRequest, null],
  [OpCode.createTTL, CreateTTLRequest, Create2Response],
  [OpCode.multiRead, MultiOperationRecord, MultiResponse],
  [OpCode.auth, AuthPacket, null],
  [OpCode.setWatches, SetWatches, null],
  [OpCode.sasl, GetSASLRequest, SetSASLResponse],
  [OpCode.getEphemerals, GetEphemeralsRequest, GetEphemeralsResponse],
  [OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest, GetAllChildrenNumberResponse],
  [OpCode.setWatches2, SetWatches2, null],
  [OpCode.addWatch, AddWatchRequest, ErrorResponse],
  [OpCode.whoAmI, null, WhoAmIResponse],
  [OpCode.closeSession, null, null],
];

const table: ReadonlyMap<number, OpRecords> = new Map(
  entries.map(([op, request, response]) => [op, Object.freeze({ request, response })]),
);

/**
 * The request and response records of every op a client may send, or `undefined` for an op
 * code a client cannot send (ZooKeeper answers those with Unimplemented and closes the
 * connection). `getConfig` is not an op: it is getData of /zookeeper/config.
 */
export function opRecords(op: number): OpRecords | undefined {
  return table.get(op);
}
