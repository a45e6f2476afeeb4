// What ZooKeeper allows a server to do with a byte stream a client sent: the stream is framed
// exactly as the server frames it (so a lying length prefix shifts every later frame), and each
// frame gets the outcomes ZooKeeper master allows (see zookeeper-server-reference.md §1 and the
// ZooKeeper sources cited in zk-decode.ts). Where ZooKeeper itself is unspecified or throws a
// RuntimeException by accident, every plausible outcome is allowed and the step says so.
import {
  AuthPacket,
  ConnectRequest,
  ConnectResponse,
  decode,
  ErrorCode,
  errorCodeName,
  isKnownErrorCode,
  JUTE_MAX_BUFFER,
  OpCode,
  opRecords,
  Xid,
} from '@zookit/protocol';
import { FOUR_LETTER_WORDS } from '@zookit/server';
import { zkDecode } from './zk-decode.js';

/** What the oracle needs to know about the server under test. */
export interface OracleContext {
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  /** The server's last zxid before the stream was sent, and after its outcome was seen (`undefined`: unknown). */
  readonly zxidBefore: bigint | undefined;
  readonly zxidAfter: bigint | undefined;
  /** Whether a session exists (`undefined`: unknown). */
  sessionExists(id: bigint): boolean | undefined;
}

/** Checks one received frame payload; returns why it does not match, or `undefined`. */
export type FrameCheck = (payload: Buffer) => string | undefined;

/** One outcome ZooKeeper allows for a frame: a reply (or none), then the connection closes or stays open. */
export interface Alternative {
  /** Outcome name for the summary, e.g. `MarshallingError`, `Unimplemented+close`, `close`. */
  readonly name: string;
  readonly reply?: FrameCheck;
  readonly close: boolean;
  /** Anything may follow (replies, a close or none): ZooKeeper's behaviour is unspecified. */
  readonly anything?: boolean;
}

/** One complete frame of the stream and what may happen to it. */
export interface Step {
  readonly index: number;
  /** `ConnectRequest`, an op name, or what made the frame invalid. */
  readonly label: string;
  /** The frame as the server framed it (length prefix included). */
  readonly bytes: Buffer;
  readonly alternatives: readonly Alternative[];
  /** Answered out of band (auth): its reply may overtake the replies of earlier steps. */
  readonly outOfBand?: boolean;
}

/** The allowed behaviour for a whole stream. */
export interface Plan {
  /** The stream starts with a four-letter word: text then close, not frames. */
  readonly fourLetterWord: string | undefined;
  /** Up to and including the first step after which the server must close. */
  readonly steps: readonly Step[];
  /** Bytes follow the closing step: what the server does with them is unconstrained (ZooKeeper races there too). */
  readonly bytesAfterClose: boolean;
  /** An incomplete frame ends the stream: it gets no reply and the connection stays open. */
  readonly tail: Buffer | undefined;
}

const fourLetterCodes = new Map(FOUR_LETTER_WORDS.map((w) => [Buffer.from(w, 'latin1').readInt32BE(0), w]));

/** Request.isValid in ZooKeeper (auth and sasl are handled before it). */
const VALID_OPS = new Set<number>([
  OpCode.closeSession,
  OpCode.create,
  OpCode.create2,
  OpCode.createTTL,
  OpCode.createContainer,
  OpCode.createSession,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.exists,
  OpCode.getACL,
  OpCode.getChildren,
  OpCode.getAllChildrenNumber,
  OpCode.getChildren2,
  OpCode.getData,
  OpCode.getEphemerals,
  OpCode.multi,
  OpCode.multiRead,
  OpCode.ping,
  OpCode.reconfig,
  OpCode.setACL,
  OpCode.setData,
  OpCode.setWatches,
  OpCode.setWatches2,
  OpCode.sync,
  OpCode.checkWatches,
  OpCode.removeWatches,
  OpCode.addWatch,
  OpCode.whoAmI,
]);

const close = (name: string): Alternative => ({ name, close: true });

/** Builds the plan of `stream`, a connection's bytes from its first byte. */
export function planFor(stream: Buffer, ctx: OracleContext): Plan {
  const word = stream.length >= 4 ? fourLetterCodes.get(stream.readInt32BE(0)) : undefined;
  if (word) return { fourLetterWord: word, steps: [], bytesAfterClose: false, tail: undefined };
  const steps: Step[] = [];
  let pos = 0;
  let session: 'pending' | 'open' = 'pending';
  while (stream.length - pos >= 4) {
    const len = stream.readInt32BE(pos);
    if (len < 0 || len > JUTE_MAX_BUFFER) {
      steps.push({
        index: steps.length,
        label: `length prefix ${len}`,
        bytes: stream.subarray(pos, pos + 4),
        alternatives: [close('close')],
      });
      return finish(framingErrorAfter(steps, false), stream.length > pos + 4, undefined);
    }
    if (stream.length - pos - 4 < len) break;
    const bytes = stream.subarray(pos, pos + 4 + len);
    const payload = bytes.subarray(4);
    pos += 4 + len;
    const { label, alternatives } = session === 'pending' ? connectStep(payload, ctx) : requestStep(payload);
    const outOfBand = session === 'open' && payload.length >= 8 && payload.readInt32BE(4) === OpCode.auth;
    session = 'open';
    steps.push({ index: steps.length, label, bytes, alternatives, outOfBand });
    if (alternatives.every((a) => a.close)) {
      const silent = alternatives.every((a) => !a.reply);
      if (silent) return finish(framingErrorAfter(steps, false), pos < stream.length, undefined);
      // The server may read on before it closes: a framing error further on may cut every reply.
      return finish(
        framingErrorIn(stream, pos) ? framingErrorAfter(steps, true) : steps,
        pos < stream.length,
        undefined,
      );
    }
  }
  return finish(steps, false, pos < stream.length ? stream.subarray(pos) : undefined);
}

/** Outcome name of a frame whose reply was lost because a later frame made the server drop the connection. */
export const LOST_TO_FRAMING_ERROR = 'lost (a later frame broke the framing)';

/**
 * When a frame breaks the framing (refused length, unreadable RequestHeader), ZooKeeper closes
 * the socket at once: replies to earlier frames still in its pipeline are lost with it (its NIO
 * thread reads on while the request processors work). So every earlier step may also end with
 * the close and no reply (`includeLast`: the closing step's own reply too).
 */
function framingErrorAfter(steps: Step[], includeLast: boolean): Step[] {
  const lost: Alternative = { name: LOST_TO_FRAMING_ERROR, close: true };
  return steps.map((step, i) =>
    i === steps.length - 1 && !includeLast ? step : { ...step, alternatives: [...step.alternatives, lost] },
  );
}

/** Whether the requests framed from `pos` on reach a refused length or an unreadable RequestHeader. */
function framingErrorIn(stream: Buffer, from: number): boolean {
  let pos = from;
  while (stream.length - pos >= 4) {
    const len = stream.readInt32BE(pos);
    if (len < 8 || len > JUTE_MAX_BUFFER) return true;
    if (stream.length - pos - 4 < len) return false;
    pos += 4 + len;
  }
  return false;
}

function finish(steps: Step[], bytesAfterClose: boolean, tail: Buffer | undefined): Plan {
  return { fourLetterWord: undefined, steps, bytesAfterClose, tail };
}

function connectStep(payload: Buffer, ctx: OracleContext): { label: string; alternatives: Alternative[] } {
  const d = zkDecode(ConnectRequest, payload);
  if (d.malformed) return { label: `ConnectRequest (malformed: ${d.malformed})`, alternatives: [close('close')] };
  const req = d.value as ConnectRequest;
  const trailing = d.trailing > 0 ? `, ${d.trailing} trailing bytes` : '';
  const label = `ConnectRequest(session 0x${req.sessionId.toString(16)}, lastZxid ${req.lastZxidSeen}${trailing})`;
  const alternatives: Alternative[] = [];
  const { zxidBefore, zxidAfter } = ctx;
  const ahead = zxidAfter !== undefined && req.lastZxidSeen > zxidAfter;
  // A server's zxid is never negative: a client that saw nothing (0) or less is never ahead.
  const behind = req.lastZxidSeen <= 0n || (zxidBefore !== undefined && req.lastZxidSeen <= zxidBefore);
  if (!behind) alternatives.push(close('close (client ahead)'));
  if (ahead) return { label, alternatives };
  const exists = req.sessionId === 0n ? false : ctx.sessionExists(req.sessionId);
  if (req.sessionId === 0n) {
    alternatives.push({ name: 'session', reply: connectResponse(req, ctx, 'new'), close: false });
  } else {
    if (exists !== false) alternatives.push({ name: 'session', reply: connectResponse(req, ctx, 'any'), close: false });
    alternatives.push({ name: 'expired+close', reply: connectResponse(req, ctx, 'expired'), close: true });
  }
  return { label, alternatives };
}

function connectResponse(req: ConnectRequest, ctx: OracleContext, kind: 'new' | 'expired' | 'any'): FrameCheck {
  const withReadOnly = req.readOnly !== undefined;
  return (payload) => {
    const want = withReadOnly ? 37 : 36;
    if (payload.length !== want) return `ConnectResponse of ${payload.length} bytes, want ${want}`;
    const res = decode(ConnectResponse, payload);
    if (res.protocolVersion !== 0) return `protocolVersion ${res.protocolVersion}`;
    if (res.passwd?.length !== 16) return `passwd of ${res.passwd?.length ?? 'null'} bytes`;
    if (res.readOnly === true) return 'readOnly true from a read-write server';
    if (kind === 'expired') {
      if (res.timeOut !== 0 || res.sessionId !== 0n || res.passwd.some((b) => b !== 0)) {
        return `expected an expired-session response, got timeOut ${res.timeOut} session 0x${res.sessionId.toString(16)}`;
      }
    } else if (kind === 'new') {
      const timeOut = Math.min(Math.max(req.timeOut, ctx.minSessionTimeout), ctx.maxSessionTimeout);
      if (res.timeOut !== timeOut) return `negotiated timeOut ${res.timeOut}, want ${timeOut}`;
      if (res.sessionId === 0n) return 'new session with id 0';
    }
    return undefined;
  };
}

/** A reply check: `xid`, an allowed err (`errs.only`, or any known code but `errs.not`), a body that fits. */
function reply(
  op: number,
  xid: number,
  errs: { only?: readonly number[]; not?: readonly number[] },
  zxid?: bigint,
): FrameCheck {
  return (payload) => {
    if (payload.length < 16) return `reply of ${payload.length} bytes`;
    const gotXid = payload.readInt32BE(0);
    const gotZxid = payload.readBigInt64BE(4);
    const err = payload.readInt32BE(12);
    if (gotXid !== xid) return `reply xid ${gotXid}, want ${xid}`;
    if (errs.only && !errs.only.includes(err)) return `err ${codeName(err)}, want ${errs.only.map(codeName).join('|')}`;
    if (errs.not?.includes(err)) return `err ${codeName(err)}`;
    if (!isKnownErrorCode(err)) return `unknown err ${err}`;
    if (zxid !== undefined && gotZxid !== zxid) return `reply zxid ${gotZxid}, want ${zxid}`;
    const body = payload.subarray(16);
    if (err !== 0) return body.length === 0 ? undefined : `error reply with a ${body.length}-byte body`;
    const codec = opRecords(op)?.response ?? null;
    if (codec === null) return body.length === 0 ? undefined : `${body.length}-byte body for an op without one`;
    try {
      decode(codec, body);
      return undefined;
    } catch (e) {
      return `reply body does not decode: ${(e as Error).message}`;
    }
  };
}

export function codeName(err: number): string {
  return `${err} ${errorCodeName(err) ?? '?'}`;
}

const ANY = {};

function requestStep(payload: Buffer): { label: string; alternatives: Alternative[] } {
  if (payload.length < 8) return { label: `RequestHeader (${payload.length} bytes)`, alternatives: [close('close')] };
  const xid = payload.readInt32BE(0);
  const type = payload.readInt32BE(4);
  const body = payload.subarray(8);
  const label = `op ${type} xid ${xid}`;
  const unimplemented: Alternative = {
    name: 'Unimplemented+close',
    reply: reply(type, xid, { only: [ErrorCode.Unimplemented] }, -1n),
    close: true,
  };
  switch (type) {
    case OpCode.ping:
      // FinalRequestProcessor answers every ping with xid -2 (ClientCnxn.PING_XID); the body is ignored.
      return { label, alternatives: [{ name: 'ok', reply: reply(type, Xid.PING, { only: [0] }), close: false }] };
    case OpCode.closeSession:
      return { label, alternatives: [{ name: 'closeSession', reply: reply(type, xid, { only: [0] }), close: true }] };
    case OpCode.auth:
      return { label, alternatives: authAlternatives(xid, body) };
    case OpCode.sasl:
      // No SASL server: ZooKeeper fails somewhere in processSasl (close, or an error reply).
      return {
        label,
        alternatives: [
          { name: 'sasl-error', reply: reply(type, xid, ANY), close: false },
          { name: 'sasl-error+close', reply: reply(type, xid, ANY), close: true },
          close('close'),
        ],
      };
    case OpCode.createSession:
      // Request.isValid accepts it; what follows is unspecified (3.8 answers with a ConnectResponse).
      return { label, alternatives: [unimplemented, { name: 'unspecified', close: false, anything: true }] };
  }
  const records = opRecords(type);
  if (!VALID_OPS.has(type) || !records) return { label, alternatives: [unimplemented] };
  if (records.request === null) {
    return { label, alternatives: [{ name: 'reply', reply: reply(type, xid, { not: [-5] }), close: false }] };
  }
  const d = zkDecode(records.request, body);
  if (d.malformed) {
    return {
      label: `${label} (malformed: ${d.malformed})`,
      alternatives: [{ name: 'MarshallingError', reply: reply(type, xid, { only: [-5] }), close: false }],
    };
  }
  const lenient = d.nulls || type === OpCode.multi || type === OpCode.multiRead || runtimeFailure(type, d.value);
  const note = [d.trailing > 0 ? `${d.trailing} trailing bytes` : '', d.negativeCount ? 'vector count < -1' : '']
    .filter(Boolean)
    .join(', ');
  return {
    label: note ? `${label} (${note})` : label,
    alternatives: [{ name: 'reply', reply: reply(type, xid, lenient ? ANY : { not: [-5] }), close: false }],
  };
}

/** Decodable bodies on which ZooKeeper's handler throws a RuntimeException (hence MarshallingError). */
function runtimeFailure(type: number, value: unknown): boolean {
  const v = value as { mode?: number; type?: number };
  // WatcherMode.fromZooKeeperMode
  if (type === OpCode.addWatch) return v.mode !== 0 && v.mode !== 1;
  // WatcherType.fromInt; DataTree.containsWatcher/removeWatch throw for types they do not handle (3.8: 4 and 5)
  if (type === OpCode.checkWatches || type === OpCode.removeWatches) return !((v.type ?? 0) >= 1 && (v.type ?? 0) <= 3);
  return false;
}

/**
 * ZooKeeperServer.processPacket: ip and digest are the default providers (OK, reply on the
 * request's xid); any other scheme is AuthFailed then close. An undecodable AuthPacket throws out of
 * processPacket (close); MarshallingError with the connection kept, as for any other undecodable
 * body, is allowed too.
 */
function authAlternatives(xid: number, body: Buffer): Alternative[] {
  const d = zkDecode(AuthPacket, body);
  if (d.malformed) {
    return [
      close('close'),
      { name: 'MarshallingError', reply: reply(OpCode.auth, xid, { only: [-5] }), close: false },
      { name: 'MarshallingError', reply: reply(OpCode.auth, Xid.AUTH, { only: [-5] }), close: false },
    ];
  }
  const packet = d.value as { scheme: string | null; auth: Buffer | null };
  const failed: Alternative = {
    name: 'AuthFailed+close',
    reply: reply(OpCode.auth, xid, { only: [ErrorCode.AuthFailed] }),
    close: true,
  };
  if (packet.scheme !== 'digest' && packet.scheme !== 'ip') return [failed];
  const ok: Alternative = { name: 'ok', reply: reply(OpCode.auth, xid, { only: [0] }), close: false };
  // ip as an auth scheme is not supported by the bundled server (docs/compatibility.md lists it);
  // digest with null credentials: new String(null) throws, caught as AuthFailed.
  return packet.scheme === 'ip' || packet.auth === null ? [ok, failed] : [ok];
}
