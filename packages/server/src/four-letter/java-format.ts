// Values printed the way ZooKeeper's Java code prints them (Long.toHexString, Double.toString,
// Date.toString, InetSocketAddress.toString), so that scripts written against ZooKeeper's text
// parse ours.

/** A 64-bit id as `Long.toHexString`: two's complement, lowercase, no padding (`-1` → `ffffffffffffffff`). */
export function hex64(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16);
}

/** A double as Java's `Double.toString`: `0.0`, `4.8`, `3.3729`, `1.0E7`. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) {
    const [mantissa = '', exponent = ''] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

/**
 * ZooKeeper's average latency: the mean rounded half-up to 4 decimals (AvgMinMaxCounter), printed
 * as a double. `toFixed` rounds the exact binary value and breaks ties upwards, as BigDecimal does.
 */
export function javaAverage(total: number, count: number): string {
  return count === 0 ? '0.0' : javaDouble(Number((total / count).toFixed(4)));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as `java.util.Date.toString` in UTC: `Thu Nov 26 11:14:24 UTC 2026`. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/** A remote address as `InetSocketAddress.toString` of an unresolved peer: `/127.0.0.1:47576`. */
export function javaSocketAddress(ip: string, port: number): string {
  return `/${javaHostAddress(ip)}:${port}`;
}

/** Java prints IPv6 addresses in full: 8 groups, no leading zeros, no `::` (`::1` → `0:0:0:0:0:0:0:1`). */
function javaHostAddress(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [address = '', zone] = ip.split('%');
  const groups = (part: string): string[] => {
    if (part === '') return [];
    const out = part.split(':');
    const last = out.at(-1) ?? '';
    if (last.includes('.')) {
      // An embedded IPv4 tail (::a.b.c.d) is two groups.
      const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
      out.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return out;
  };
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const middle = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  const full = [...left, ...(tail === undefined ? [] : middle), ...right].map((g) =>
    Number.parseInt(g, 16).toString(16),
  );
  return zone === undefined ? full.join(':') : `${full.join(':')}%${zone}`;
}
