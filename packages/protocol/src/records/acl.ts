// ACL records of zookeeper.jute's `org.apache.zookeeper.proto` module.
import { int, type RecordCodec, record, ustring, vector } from '../jute/codec.js';
import { ACL, Stat } from './data.js';

/** getACL (op 6). */
export interface GetACLRequest {
  path: string;
}
export const GetACLRequest: RecordCodec<GetACLRequest> = record<GetACLRequest>('GetACLRequest', { path: ustring });

/** Reply to getACL. */
export interface GetACLResponse {
  acl: ACL[];
  stat: Stat;
}
export const GetACLResponse: RecordCodec<GetACLResponse> = record<GetACLResponse>('GetACLResponse', {
  acl: vector(ACL),
  stat: Stat,
});

/** setACL (op 7); `version` is the expected aversion, -1 for any. */
export interface SetACLRequest {
  path: string;
  acl: ACL[];
  version: number;
}
export const SetACLRequest: RecordCodec<SetACLRequest> = record<SetACLRequest>('SetACLRequest', {
  path: ustring,
  acl: vector(ACL),
  version: int,
});

/** Reply to setACL: the node's new Stat. */
export interface SetACLResponse {
  stat: Stat;
}
export const SetACLResponse: RecordCodec<SetACLResponse> = record<SetACLResponse>('SetACLResponse', { stat: Stat });
