import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddWatchMode,
  AddWatchRequest,
  type Codec,
  ConnectRequest,
  CreateRequest,
  ExistsRequest,
  encodeRecordFrame,
  encodeRequestFrame,
  GetChildrenRequest,
  GetDataRequest,
  Ids,
  OpCode,
} from '@zookit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../src/core/log-entry.js';
import { PendingLog } from '../src/core/pending-log.js';
import { answerFourLetterWord, type FourLetterContext } from '../src/four-letter/answer.js';
import { hex64, javaAverage, javaDate, javaDouble, javaSocketAddress } from '../src/four-letter/java-format.js';
import { FOUR_LETTER_WORDS, type FourLetterWord, ServerCore, ZooKeeperServer } from '../src/index.js';

// Fri Jan 02 03:04:05 UTC 2026, a whole second, so expiry times below are easy to read.
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const VERSION = '3.9.3-zookit, built on 2026-01-01 00:00 UTC';

/**
 * A core driven by hand on a virtual clock: entries become durable only when `durable(at)` is
 * called, so write latencies are exactly what the test chooses.
 */
class Harness {
  readonly core: ServerCore;
  readonly #pending: LogEntry[] = [];
  readonly #log = new PendingLog<number>((entry) => this.#pending.push(entry));
  #xid = 0;

  constructor() {
    this.core = new ServerCore(
      {
        tickTime: 500,
        minSessionTimeout: 1000,
        maxSessionTimeout: 10_000,
        extendedTypes: true,
        serverId: 1,
        reapIntervalMs: 1000,
      },
      { send: () => {}, close: () => {}, submit: (draft, token, now) => this.#log.append(draft, now, token) },
      T0,
    );
    this.core.recover(undefined, [], T0);
  }

  /** A connection from 127.0.0.1:`port` that sends a ConnectRequest (4000 ms) unless `handshake` is false. */
  open(id: number, port: number, at: number, handshake = true): void {
    this.core.open(id, '127.0.0.1', port, at);
    if (!handshake) return;
    const frame = encodeRecordFrame(ConnectRequest, {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 4000,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      readOnly: false,
    });
    this.core.receive(id, frame.subarray(4), at);
  }

  request<T>(connection: number, at: number, type: number, codec?: Codec<T>, body?: T): void {
    this.core.receive(connection, encodeRequestFrame({ xid: ++this.#xid, type }, codec, body).subarray(4), at);
  }

  durable(at: number): void {
    const last = this.#pending.at(-1);
    this.#pending.length = 0;
    if (last) this.#log.durable(last.zxid, (entry, token) => this.core.commit(entry, token, at));
  }

  sessionOf(connection: number): string {
    return `0x${hex64(this.core.connections.get(connection)?.sessionId ?? 0n)}`;
  }

  answer(word: FourLetterWord, extra: Partial<FourLetterContext> = {}): string {
    return answerFourLetterWord(word, { core: this.core, now: T0 + 50, port: 2181, ...extra });
  }
}

/**
 * Connection 1 (127.0.0.1:40001) holds a session with an ephemeral /p/e and four watches: data
 * on /p, exists on the missing /nothere, children of /p, persistent on /q. Writes take 3 and
 * 1 ms, reads 0. Connection 2 (port 40002) is open without a handshake.
 */
function busyServer(): Harness {
  const h = new Harness();
  h.open(1, 40001, T0);
  h.durable(T0 + 2);
  const acl = [...Ids.OPEN_ACL_UNSAFE];
  h.request(1, T0 + 10, OpCode.create, CreateRequest, { path: '/p', data: Buffer.from('x'), acl, flags: 0 });
  h.durable(T0 + 13);
  h.request(1, T0 + 20, OpCode.create, CreateRequest, { path: '/p/e', data: null, acl, flags: 1 });
  h.durable(T0 + 21);
  h.request(1, T0 + 30, OpCode.getData, GetDataRequest, { path: '/p', watch: true });
  h.request(1, T0 + 31, OpCode.exists, ExistsRequest, { path: '/nothere', watch: true });
  h.request(1, T0 + 32, OpCode.getChildren, GetChildrenRequest, { path: '/p', watch: true });
  h.request(1, T0 + 33, OpCode.addWatch, AddWatchRequest, { path: '/q', mode: AddWatchMode.persistent });
  h.open(2, 40002, T0 + 40, false);
  return h;
}

describe('four-letter words – answers in ZooKeeper 3.8 formats', () => {
  let h: Harness;
  let sid: string;
  beforeEach(() => {
    h = busyServer();
    sid = h.sessionOf(1);
  });

  it('ruok, isro and hash answer constants', () => {
    expect(h.answer('ruok')).toBe('imok');
    expect(h.answer('isro')).toBe('rw');
    expect(h.answer('hash')).toBe('');
  });

  it('srvr reports latency, packets, connections, zxid, mode and ZooKeeper’s node count', () => {
    expect(h.answer('srvr')).toBe(
      `Zookeeper version: ${VERSION}\n` +
        'Latency min/avg/max: 0/0.6667/3\n' +
        'Received: 7\n' +
        'Sent: 7\n' +
        'Connections: 2\n' +
        'Outstanding: 0\n' +
        'Zxid: 0x3\n' +
        'Mode: standalone\n' +
        'Node count: 7\n',
    );
  });

  it('stat lists every connection briefly between Clients: and a blank line', () => {
    expect(h.answer('stat')).toBe(
      `Zookeeper version: ${VERSION}\n` +
        'Clients:\n' +
        ' /127.0.0.1:40001[1](queued=0,recved=7,sent=7)\n' +
        ' /127.0.0.1:40002[1](queued=0,recved=0,sent=0)\n' +
        '\n' +
        'Latency min/avg/max: 0/0.6667/3\n' +
        'Received: 7\n' +
        'Sent: 7\n' +
        'Connections: 2\n' +
        'Outstanding: 0\n' +
        'Zxid: 0x3\n' +
        'Mode: standalone\n' +
        'Node count: 7\n',
    );
  });

  it('cons prints session details only for connections with a session', () => {
    expect(h.answer('cons')).toBe(
      ` /127.0.0.1:40001[1](queued=0,recved=7,sent=7,sid=${sid},lop=ADDW,est=${T0},to=4000,` +
        `lcxid=0x6,lzxid=0x3,lresp=${T0 + 33},llat=0,minlat=0,avglat=0,maxlat=3)\n` +
        ' /127.0.0.1:40002[1](queued=0,recved=0,sent=0)\n' +
        '\n',
    );
  });

  it('counts a request not answered yet as queued and outstanding', () => {
    h.request(1, T0 + 45, OpCode.create, CreateRequest, {
      path: '/r',
      data: null,
      acl: [...Ids.OPEN_ACL_UNSAFE],
      flags: 0,
    });
    expect(h.answer('cons')).toContain('[1](queued=1,recved=8,sent=7,');
    expect(h.answer('srvr')).toContain('\nOutstanding: 1\n');
    expect(h.answer('mntr')).toContain('\nzk_outstanding_requests\t1\n');
  });

  it('dump groups sessions and connections by expiry time and lists ephemerals by session', () => {
    expect(h.answer('dump')).toBe(
      'SessionTracker dump:\n' +
        'Session Sets (1)/(1):\n' +
        '1 expire at Fri Jan 02 03:04:09 UTC 2026:\n' +
        `\t${sid}\n` +
        'ephemeral nodes dump:\n' +
        'Sessions with Ephemerals (1):\n' +
        `${sid}:\n` +
        '\t/p/e\n' +
        'Connections dump:\n' +
        'Connections Sets (2)/(2):\n' +
        '1 expire at Fri Jan 02 03:04:10 UTC 2026:\n' +
        `\tip: /127.0.0.1:40001 sessionId: ${sid}\n` +
        '1 expire at Fri Jan 02 03:04:20 UTC 2026:\n' +
        '\tip: /127.0.0.1:40002 sessionId: 0x0\n',
    );
  });

  it('wchs, wchc and wchp show data watches (data, exists, persistent) but not child watches', () => {
    expect(h.answer('wchs')).toBe('1 connections watching 3 paths\nTotal watches:3\n');
    expect(h.answer('wchc')).toBe(`${sid}\n\t/p\n\t/nothere\n\t/q\n\n`);
    expect(h.answer('wchp')).toBe(`/p\n\t${sid}\n/nothere\n\t${sid}\n/q\n\t${sid}\n\n`);
  });

  it('mntr prints the core metrics as zk_ key/value lines; zk_watch_count adds data and child watches', () => {
    const fd = String.raw`(-1|\d+)`;
    const expected = [
      `zk_version\t${VERSION}`,
      'zk_server_state\tstandalone',
      'zk_ephemerals_count\t1',
      'zk_num_alive_connections\t2',
      'zk_avg_latency\t0.6667',
      'zk_outstanding_requests\t0',
      'zk_znode_count\t7',
      'zk_global_sessions\t1',
      'zk_packets_sent\t7',
      'zk_packets_received\t7',
      'zk_watch_count\t5',
      'zk_min_latency\t0',
      `zk_max_file_descriptor_count\t${fd}`,
      `zk_approximate_data_size\t${h.core.tree.approximateDataSize}`,
      `zk_open_file_descriptor_count\t${fd}`,
      'zk_local_sessions\t0',
      'zk_max_latency\t3',
    ];
    const escaped = expected.map((line) => (line.includes(fd) ? line : line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(h.answer('mntr')).toMatch(new RegExp(`^${escaped.join('\\n')}\\n$`));
    if (process.platform === 'linux') expect(h.answer('mntr')).not.toMatch(/file_descriptor_count\t-1/);
  });

  it('lists the asking connection and counts its word as a packet received, as ZooKeeper does', () => {
    const client = { ip: '127.0.0.1', port: 40003 };
    expect(h.answer('stat', { client })).toContain(
      'Clients:\n /127.0.0.1:40003[0](queued=0,recved=1,sent=0)\n /127.0.0.1:40001[1]',
    );
    expect(h.answer('srvr', { client })).toContain('\nReceived: 9\nSent: 8\nConnections: 3\n');
    expect(h.answer('cons', { client })).toMatch(/^ \/127\.0\.0\.1:40003\[0\]\(queued=0,recved=1,sent=0\)\n \/127/);
    expect(h.answer('mntr', { client })).toContain('\nzk_num_alive_connections\t3\n');
    expect(h.answer('dump', { client })).toContain(
      'Connections Sets (2)/(3):\n' +
        '1 expire at Fri Jan 02 03:04:10 UTC 2026:\n' +
        `\tip: /127.0.0.1:40001 sessionId: ${sid}\n` +
        '2 expire at Fri Jan 02 03:04:20 UTC 2026:\n' +
        '\tip: /127.0.0.1:40002 sessionId: 0x0\n' +
        '\tip: /127.0.0.1:40003 sessionId: 0x0\n',
    );
  });

  it('counts srst’s own answer after the reset, as ZooKeeper does', () => {
    const client = { ip: '127.0.0.1', port: 40003 };
    h.answer('srst', { client });
    expect(h.answer('srvr', { client })).toContain('\nReceived: 1\nSent: 1\n');
  });

  it('crst resets every connection’s counters, keeping its session and establishment time', () => {
    expect(h.answer('crst')).toBe('Connection stats reset.\n');
    expect(h.answer('cons')).toBe(
      ` /127.0.0.1:40001[1](queued=0,recved=0,sent=0,sid=${sid},lop=NA,est=${T0},to=4000,` +
        'lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n' +
        ' /127.0.0.1:40002[1](queued=0,recved=0,sent=0)\n' +
        '\n',
    );
    // Server-wide counters are srst's business.
    expect(h.answer('srvr')).toContain('Latency min/avg/max: 0/0.6667/3\nReceived: 7\n');
    h.request(1, T0 + 60, OpCode.exists, ExistsRequest, { path: '/p', watch: false });
    expect(h.answer('cons')).toContain('(queued=0,recved=1,sent=1,');
  });

  it('srst resets latencies and packet counts, not the connections’ counters', () => {
    expect(h.answer('srst')).toBe('Server stats reset.\n');
    expect(h.answer('srvr')).toContain('Latency min/avg/max: 0/0.0/0\nReceived: 0\nSent: 0\nConnections: 2\n');
    expect(h.answer('cons')).toContain('(queued=0,recved=7,sent=7,');
    h.request(1, T0 + 60, OpCode.create, CreateRequest, {
      path: '/s',
      data: null,
      acl: [...Ids.OPEN_ACL_UNSAFE],
      flags: 0,
    });
    h.durable(T0 + 62);
    expect(h.answer('srvr')).toContain('Latency min/avg/max: 2/2.0/2\nReceived: 1\nSent: 1\n');
  });

  it('conf prints ZooKeeper’s standalone keys in order, with an empty data directory in memory', () => {
    expect(h.answer('conf', { port: 2182, maxClientCnxns: 10 })).toBe(
      'clientPort=2182\n' +
        'secureClientPort=-1\n' +
        'dataDir=\n' +
        'dataDirSize=0\n' +
        'dataLogDir=\n' +
        'dataLogSize=0\n' +
        'tickTime=500\n' +
        'maxClientCnxns=10\n' +
        'minSessionTimeout=1000\n' +
        'maxSessionTimeout=10000\n' +
        'clientPortListenBacklog=-1\n' +
        'serverId=1\n',
    );
    expect(h.answer('dirs')).toBe('datadir_size: 0\nlogdir_size: 0\n');
  });

  describe('with a data directory', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'zookit-4lw-'));
      await writeFile(join(dir, 'log.1'), 'abc');
      await mkdir(join(dir, 'snapshots'));
      await writeFile(join(dir, 'snapshots', 'snap.1'), 'hello');
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('conf and dirs report the bytes of every file under it', () => {
      expect(h.answer('conf', { dataDir: dir })).toContain(
        `\ndataDir=${dir}\ndataDirSize=8\ndataLogDir=${dir}\ndataLogSize=8\n`,
      );
      expect(h.answer('dirs', { dataDir: dir })).toBe('datadir_size: 8\nlogdir_size: 8\n');
      expect(h.answer('dirs', { dataDir: join(dir, 'missing') })).toBe('datadir_size: 0\nlogdir_size: 0\n');
    });
  });

  it('envi prints ZooKeeper’s keys in order with this process’s values, then node.version', () => {
    const text = h.answer('envi');
    expect(text.startsWith('Environment:\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    const entries = text
      .slice('Environment:\n'.length, -1)
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]);
    expect(entries.map(([key]) => key)).toEqual([
      'zookeeper.version',
      'host.name',
      'java.version',
      'java.vendor',
      'java.home',
      'java.class.path',
      'java.library.path',
      'java.io.tmpdir',
      'java.compiler',
      'os.name',
      'os.arch',
      'os.version',
      'user.name',
      'user.home',
      'user.dir',
      'os.memory.free',
      'os.memory.max',
      'os.memory.total',
      'node.version',
    ]);
    const env = new Map(entries);
    expect(env.get('zookeeper.version')).toBe(VERSION);
    expect(env.get('java.version')).toBe('<NA>');
    expect(env.get('user.dir')).toBe(process.cwd());
    expect(env.get('os.memory.max')).toMatch(/^\d+MB$/);
    expect(env.get('node.version')).toBe(process.version);
  });

  it('gtmk reports the trace mask that stmk set from the 8 bytes after the word, per server', () => {
    expect(h.answer('gtmk')).toBe('306');
    expect(h.answer('stmk')).toBe('');
    expect(h.answer('stmk', { argument: new Uint8Array([0, 0, 0, 0, 0, 0, 1, 2]) })).toBe('258');
    expect(h.answer('gtmk')).toBe('258');
    expect(h.answer('stmk', { argument: new Uint8Array(8).fill(0xff) })).toBe('-1');
    expect(h.answer('gtmk')).toBe('-1');
    expect(new Harness().answer('gtmk')).toBe('306');
  });

  it('an idle server has empty listings', () => {
    const idle = new Harness();
    expect(idle.answer('cons')).toBe('\n');
    expect(idle.answer('wchs')).toBe('0 connections watching 0 paths\nTotal watches:0\n');
    expect(idle.answer('wchc')).toBe('\n');
    expect(idle.answer('wchp')).toBe('\n');
    expect(idle.answer('dump')).toBe(
      'SessionTracker dump:\nSession Sets (0)/(0):\nephemeral nodes dump:\nSessions with Ephemerals (0):\n' +
        'Connections dump:\nConnections Sets (0)/(0):\n',
    );
    expect(idle.answer('srvr')).toContain('\nLatency min/avg/max: 0/0.0/0\nReceived: 0\nSent: 0\nConnections: 0\n');
    expect(idle.answer('srvr')).toContain('\nZxid: 0x0\nMode: standalone\nNode count: 5\n');
  });
});

describe('four-letter words – values printed as ZooKeeper’s Java code prints them', () => {
  it('prints doubles as Double.toString', () => {
    expect(javaDouble(0)).toBe('0.0');
    expect(javaDouble(4.8)).toBe('4.8');
    expect(javaDouble(12)).toBe('12.0');
    expect(javaDouble(1e7)).toBe('1.0E7');
    expect(javaDouble(1.5e-4)).toBe('1.5E-4');
  });

  it('rounds average latencies half-up to 4 decimals', () => {
    expect(javaAverage(0, 0)).toBe('0.0');
    expect(javaAverage(4, 6)).toBe('0.6667');
    expect(javaAverage(337_29, 10_000)).toBe('3.3729');
    expect(javaAverage(1, 3)).toBe('0.3333');
    expect(javaAverage(48, 10)).toBe('4.8');
  });

  it('prints ids as Long.toHexString, dates as Date.toString (UTC), addresses as InetSocketAddress', () => {
    expect(hex64(-1n)).toBe('ffffffffffffffff');
    expect(hex64(0x1000031f3760000n)).toBe('1000031f3760000');
    expect(javaDate(T0)).toBe('Fri Jan 02 03:04:05 UTC 2026');
    expect(javaSocketAddress('127.0.0.1', 2181)).toBe('/127.0.0.1:2181');
    expect(javaSocketAddress('::1', 2181)).toBe('/0:0:0:0:0:0:0:1:2181');
    expect(javaSocketAddress('2001:db8::ff00:42:8329', 1)).toBe('/2001:db8:0:0:0:ff00:42:8329:1');
    expect(javaSocketAddress('::1.2.3.4', 1)).toBe('/0:0:0:0:0:0:102:304:1');
    expect(javaSocketAddress('fe80::0001%eth0', 1)).toBe('/fe80:0:0:0:0:0:0:1%eth0:1');
  });
});

/** Sends a word over TCP and resolves with everything answered before the server closed. */
function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(word));
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${word}`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('four-letter words – over TCP', () => {
  it('answers every word, with the listening port and settings in conf', async () => {
    await using server = await ZooKeeperServer.start({ tickTime: 500, maxClientCnxns: 7 });
    for (const word of FOUR_LETTER_WORDS) {
      const text = await fourLetterWord(server.port, word);
      if (word === 'stmk' || word === 'hash') expect(text).toBe('');
      else expect(text, word).not.toBe('');
      expect(text, word).not.toMatch(/not (executed|implemented)/);
    }
    const conf = await fourLetterWord(server.port, 'conf');
    expect(conf).toContain(`clientPort=${server.port}\n`);
    expect(conf).toContain('\ntickTime=500\nmaxClientCnxns=7\nminSessionTimeout=1000\nmaxSessionTimeout=10000\n');
  });

  it('answers a word outside the whitelist with ZooKeeper’s sentence', async () => {
    await using server = await ZooKeeperServer.start({ tickTime: 500, fourLetterWords: ['ruok'] });
    expect(await fourLetterWord(server.port, 'ruok')).toBe('imok');
    for (const word of FOUR_LETTER_WORDS.filter((w) => w !== 'ruok')) {
      expect(await fourLetterWord(server.port, word)).toBe(
        `${word} is not executed because it is not in the whitelist.\n`,
      );
    }
  });
});
