// Differential check of the bundled server's four-letter words against real ZooKeeper 3.8: both
// servers go through the same steps, and every answer must have the same shape line by line once
// the values that legitimately differ (versions, ids, ports, times, counters, directories) are
// replaced by placeholders. Values that follow from the znodes, sessions and watches must be equal.
import { ZooKeeperClient } from '@zookit/client';
import { FOUR_LETTER_WORDS, type FourLetterWord, ZooKeeperServer } from '@zookit/server';
import { fourLetterWord, LocalZooKeeper } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';

type Answers = Map<string, string>;

interface Run {
  idle: Answers;
  busy: Answers;
  reset: Answers;
}

/** Reads that change nothing, cons first: nothing else has reached the server since the last operation. */
const READS = FOUR_LETTER_WORDS.filter((w) => w !== 'crst' && w !== 'srst').sort(
  (a, b) => Number(b === 'cons') - Number(a === 'cons'),
);

async function ask(port: number, words: readonly FourLetterWord[]): Promise<Answers> {
  const answers: Answers = new Map();
  for (const word of words) answers.set(word, await fourLetterWord('127.0.0.1', port, word));
  return answers;
}

/**
 * The same steps on either server: every word idle; then with a session holding an ephemeral
 * and four watches (data, exists on a missing node, children, persistent); then crst and srst
 * and what they reset.
 */
async function run(connectString: string): Promise<Run> {
  const port = Number(connectString.slice(connectString.lastIndexOf(':') + 1));
  const idle = await ask(port, READS);
  // The longest timeout both grant: no ping while the words are asked.
  const zk = await ZooKeeperClient.connect(connectString, { sessionTimeout: 10_000 });
  try {
    await zk.create('/fourlw', 'x');
    await zk.create('/fourlw/e', null, { mode: 'ephemeral' });
    await zk.getData('/fourlw', { watch: true });
    await zk.exists('/fourlw-missing', { watch: true });
    await zk.getChildren('/fourlw', { watch: true });
    const persistent = zk.watch('/fourlw-q', { mode: 'persistent' });
    await persistent.ready;
    const busy = await ask(port, READS);
    const reset = new Map<string, string>();
    reset.set('crst', await fourLetterWord('127.0.0.1', port, 'crst'));
    reset.set('cons', await fourLetterWord('127.0.0.1', port, 'cons'));
    reset.set('srst', await fourLetterWord('127.0.0.1', port, 'srst'));
    reset.set('srvr', await fourLetterWord('127.0.0.1', port, 'srvr'));
    return { idle, busy, reset };
  } finally {
    await zk.close();
  }
}

const BUCKET = /^\d+ expire at \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \w+ \d{4}:$/;

/**
 * The answer with legitimately different values replaced. ZooKeeper also lists the connection
 * asking (idle, one packet, no session) where the bundled server does not know it, and keeps
 * empty expiry buckets: both are dropped, and bucket headers are checked apart ({@link BUCKET}).
 */
function shape(word: string, text: string): string {
  let lines = text.split('\n');
  lines = lines.filter(
    (l) => !/^ \/[\d.]+:\d+\[0\]\(queued=0,recved=1,sent=0\)$/.test(l) && !/^\tip: \S+ sessionId: 0x0$/.test(l),
  );
  if (word === 'dump') lines = lines.filter((l) => !BUCKET.test(l));
  if (word === 'envi') lines = lines.map((l) => l.replace(/=.*/, '=')).filter((l) => !l.startsWith('node.'));
  if (word === 'conf') {
    lines = lines.map((l) => l.replace(/^(clientPort|dataDir|dataDirSize|dataLogDir|dataLogSize|serverId)=.*/, '$1=?'));
  }
  if (word === 'wchc' || word === 'wchp') lines = sortBlocks(lines);
  return lines
    .join('\n')
    .replace(/^(Zookeeper version: |zk_version\t|zookeeper\.version=).*$/gm, '$1V')
    .replace(/\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \w+ \d{4}/g, 'DATE')
    .replace(/\/[\d.]+:\d+/g, '/IP:PORT')
    .replace(/0x[0-9a-f]+/g, '0xH')
    .replace(/lop=[A-Z]+/g, 'lop=OP')
    .replace(/-?\d+\.\d+/g, 'D')
    .replace(/-?\b\d+\b/g, 'N');
}

/** Each block (a line and the tab-indented lines after it) with its indented lines sorted, blocks sorted. */
function sortBlocks(lines: string[]): string[] {
  const blocks: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('\t') && blocks.length > 0) blocks.at(-1)?.push(line);
    else blocks.push([line]);
  }
  const body = blocks.filter((b) => b[0] !== '');
  const tail = blocks.filter((b) => b[0] === '');
  return [...body.map(([head = '', ...rest]) => [head, ...rest.sort()]).sort(), ...tail].flat();
}

function fields(text: string, separator: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l.includes(separator))
      .map((l) => [l.slice(0, l.indexOf(separator)), l.slice(l.indexOf(separator) + separator.length)]),
  );
}

function kind(value: string): string {
  if (/^-?\d+$/.test(value)) return 'integer';
  if (/^-?\d+\.\d+(E-?\d+)?$/.test(value)) return 'double';
  return 'text';
}

describe.skipIf(lacks('zookeeper'))('four-letter words – the bundled server answers as ZooKeeper 3.8 does', () => {
  let zookeeper: Run;
  let zookit: Run;

  beforeAll(async () => {
    const real = await LocalZooKeeper.start({ tickTime: 500 });
    try {
      zookeeper = await run(real.connectString);
    } finally {
      await real.stop();
    }
    const ours = await ZooKeeperServer.start({ tickTime: 500 });
    try {
      zookit = await run(ours.connectString);
    } finally {
      await ours.close();
    }
  });

  for (const phase of ['idle', 'busy', 'reset'] as const) {
    it(`every word has ZooKeeper's lines, labels and separators (${phase})`, () => {
      for (const [word, text] of zookeeper[phase]) {
        // mntr: ~300 metrics in hash-map order there; compared as a map below.
        if (word === 'mntr') continue;
        expect(shape(word, zookit[phase].get(word) ?? '<no answer>'), `${phase} ${word}`).toBe(shape(word, text));
      }
    });
  }

  it('dump dates its expiry buckets as ZooKeeper does', () => {
    for (const run of [zookeeper, zookit]) {
      const buckets = (run.busy.get('dump') ?? '').split('\n').filter((l) => / expire at /.test(l));
      expect(buckets.length).toBeGreaterThan(0);
      for (const line of buckets) expect(line).toMatch(BUCKET);
    }
  });

  it('reports the same zxid, node count, mode, ephemerals and watches after the same operations', () => {
    for (const phase of ['idle', 'busy'] as const) {
      const real = fields(zookeeper[phase].get('srvr') ?? '', ': ');
      const ours = fields(zookit[phase].get('srvr') ?? '', ': ');
      for (const key of ['Zxid', 'Mode', 'Node count', 'Outstanding']) expect(ours.get(key), key).toBe(real.get(key));
      for (const word of ['wchs', 'ruok', 'isro', 'gtmk', 'stmk', 'hash']) {
        expect(zookit[phase].get(word), word).toBe(zookeeper[phase].get(word));
      }
      for (const word of ['wchc', 'wchp']) {
        expect(shape(word, zookit[phase].get(word) ?? ''), word).toBe(shape(word, zookeeper[phase].get(word) ?? ''));
      }
    }
    expect(zookit.busy.get('wchs')).toBe('1 connections watching 3 paths\nTotal watches:3\n');
  });

  it('mntr has ZooKeeper’s core keys, each with the same kind of value, and equal counts', () => {
    const core = [
      'zk_version',
      'zk_server_state',
      'zk_avg_latency',
      'zk_max_latency',
      'zk_min_latency',
      'zk_packets_received',
      'zk_packets_sent',
      'zk_num_alive_connections',
      'zk_outstanding_requests',
      'zk_znode_count',
      'zk_watch_count',
      'zk_ephemerals_count',
      'zk_approximate_data_size',
      'zk_open_file_descriptor_count',
      'zk_max_file_descriptor_count',
    ];
    for (const phase of ['idle', 'busy'] as const) {
      const real = fields(zookeeper[phase].get('mntr') ?? '', '\t');
      const ours = fields(zookit[phase].get('mntr') ?? '', '\t');
      expect((zookit[phase].get('mntr') ?? '').endsWith('\n')).toBe(true);
      for (const key of core) expect(ours.has(key), key).toBe(true);
      for (const [key, value] of ours) {
        expect(real.has(key), key).toBe(true);
        expect(kind(value), key).toBe(kind(real.get(key) ?? ''));
      }
      for (const key of [
        'zk_server_state',
        'zk_znode_count',
        'zk_watch_count',
        'zk_ephemerals_count',
        'zk_global_sessions',
        'zk_local_sessions',
        'zk_outstanding_requests',
      ]) {
        expect(ours.get(key), `${phase} ${key}`).toBe(real.get(key));
      }
    }
  });

  it('envi and conf keep ZooKeeper’s keys and settings', () => {
    const real = fields(zookeeper.idle.get('conf') ?? '', '=');
    const ours = fields(zookit.idle.get('conf') ?? '', '=');
    expect([...ours.keys()]).toEqual([...real.keys()]);
    for (const key of ['secureClientPort', 'tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout']) {
      expect(ours.get(key), key).toBe(real.get(key));
    }
    expect(zookit.idle.get('envi')).toMatch(/\nos\.name=\S.*\nos\.arch=/);
  });
});

describe.skipIf(lacks('zookeeper'))('four-letter words – outside the whitelist', () => {
  let real: LocalZooKeeper;
  let ours: ZooKeeperServer;

  beforeAll(async () => {
    // LocalZooKeeper waits on ruok and srvr, so both stay allowed.
    real = await LocalZooKeeper.start({ tickTime: 500, config: { '4lw.commands.whitelist': 'ruok, srvr' } });
    ours = await ZooKeeperServer.start({ tickTime: 500, fourLetterWords: ['ruok', 'srvr'] });
  });
  afterAll(async () => {
    await real?.stop();
    await ours?.close();
  });

  it('answers the same sentence for every word not allowed', async () => {
    const realPort = Number(real.connectString.slice(real.connectString.lastIndexOf(':') + 1));
    for (const word of FOUR_LETTER_WORDS.filter((w) => w !== 'ruok' && w !== 'srvr')) {
      const expected = await fourLetterWord('127.0.0.1', realPort, word);
      expect(expected).toBe(`${word} is not executed because it is not in the whitelist.\n`);
      expect(await fourLetterWord('127.0.0.1', ours.port, word)).toBe(expected);
    }
    expect(await fourLetterWord('127.0.0.1', ours.port, 'ruok')).toBe('imok');
  });
});
