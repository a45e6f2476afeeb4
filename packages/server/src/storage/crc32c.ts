/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and etcd's WAL. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32C of `bytes`, as an unsigned 32-bit number. Pass the CRC of the bytes before to continue
 * a running checksum: `crc32c(b, crc32c(a)) === crc32c(a ++ b)`.
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ (bytes[i] as number)) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
