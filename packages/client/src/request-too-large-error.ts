/**
 * A request the client refused to send because its frame is larger than the server accepts
 * (`maxRequestSize`, by default ZooKeeper's jute.maxbuffer, 0xfffff bytes). ZooKeeper would
 * close the whole connection on such a frame, so the client never sends it: the connection and
 * every other request are unaffected. `size` and `limit` count what ZooKeeper checks, the
 * frame's length field (the bytes after the 4-byte length prefix). Not retryable: the same
 * request will be just as large next time ({@link isRetryable} is false).
 */
export class RequestTooLargeError extends RangeError {
  override readonly name = 'RequestTooLargeError';
  /** The request's frame length in bytes. */
  readonly size: number;
  /** The limit it exceeded (`maxRequestSize`). */
  readonly limit: number;
  /** The znode path the request addressed (client path), if any. */
  readonly path: string | undefined;

  constructor(size: number, limit: number, path?: string | undefined) {
    const what = `request of ${size} bytes exceeds maxRequestSize ${limit} bytes (the server's jute.maxbuffer)`;
    super(path === undefined ? what : `${path}: ${what}`);
    this.size = size;
    this.limit = limit;
    this.path = path;
  }
}
