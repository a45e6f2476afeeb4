/**
 * Reserved xids of frames that are not part of the ordered request/reply stream
 * (ClientCnxn). Normal requests use positive, increasing xids.
 */
export const Xid = {
  /** A watch notification from the server. */
  NOTIFICATION: -1,
  /** A ping and its reply. */
  PING: -2,
  /** An auth packet and its reply. */
  AUTH: -4,
  /** setWatches/setWatches2 after a reconnect, and its reply. */
  SET_WATCHES: -8,
} as const;
export type Xid = (typeof Xid)[keyof typeof Xid];

/** Protocol version in ConnectRequest/ConnectResponse (always 0). */
export const PROTOCOL_VERSION = 0;
