/**
 * @zookit/protocol — the ZooKeeper wire protocol: jute primitives, every client/server record
 * of zookeeper.jute (names as in ZooKeeper), op/error/event code tables, length-prefixed
 * framing and path rules. Pure: no I/O, no runtime dependencies.
 */

export { Ids, Perms } from './constants/acl.js';
export type { CreateModeInfo } from './constants/create-mode.js';
export { CreateMode, createModeInfo, MAX_TTL } from './constants/create-mode.js';
export type { ErrorCodeName } from './constants/error-code.js';
export { ErrorCode, errorCodeName, isKnownErrorCode } from './constants/error-code.js';
export { OpCode, opCodeName } from './constants/op-code.js';
export {
  AddWatchMode,
  EventType,
  eventTypeName,
  KeeperState,
  keeperStateName,
  WatcherType,
} from './constants/watch.js';
export { PROTOCOL_VERSION, Xid } from './constants/xid.js';
export { encodeFrame, encodeRecordFrame, encodeReplyFrame, encodeRequestFrame } from './frame.js';
export type { FrameDecoderOptions } from './frame-decoder.js';
export { FrameDecoder, FrameError, JUTE_EXTRA_MAX_BUFFER, JUTE_MAX_BUFFER } from './frame-decoder.js';
export type { Codec, Fields, JuteKind, RecordCodec, VectorCodec } from './jute/codec.js';
export {
  boolean,
  buffer,
  decode,
  encode,
  int,
  long,
  optionalTrailingBoolean,
  record,
  ustring,
  vector,
} from './jute/codec.js';
export { DecodeError } from './jute/decode-error.js';
export { JuteReader } from './jute/reader.js';
export { JuteWriter } from './jute/writer.js';
export type { OpRecords } from './ops.js';
export { opRecords } from './ops.js';
export {
  formatSequence,
  InvalidPathError,
  joinPath,
  nodeName,
  parentPath,
  parseSequence,
  pathError,
  validatePath,
} from './paths.js';
export { GetACLRequest, GetACLResponse, SetACLRequest, SetACLResponse } from './records/acl.js';
export {
  GetMaxChildrenRequest,
  GetMaxChildrenResponse,
  ReconfigRequest,
  SetMaxChildrenRequest,
} from './records/admin.js';
export { ACL, ClientInfo, Id, Stat, StatPersisted } from './records/data.js';
export { ErrorResponse, MultiHeader, ReplyHeader, RequestHeader } from './records/headers.js';
export type { MultiOp, MultiOpResult } from './records/multi.js';
export { MultiOperationRecord, MultiResponse } from './records/multi.js';
export {
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
export {
  AuthPacket,
  ConnectRequest,
  ConnectResponse,
  GetSASLRequest,
  SetSASLRequest,
  SetSASLResponse,
  WhoAmIResponse,
} from './records/session.js';
export {
  AddWatchRequest,
  CheckWatchesRequest,
  RemoveWatchesRequest,
  SetWatches,
  SetWatches2,
  WatcherEvent,
} from './records/watches.js';
