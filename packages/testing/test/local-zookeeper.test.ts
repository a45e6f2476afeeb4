// Real JVMs, no mocks. One server for the lifecycle tests (started once), one more for a
// caller-chosen data directory; the failure tests start nothing or a JVM that exits at once.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The rule every real-ZooKeeper suite follows: skipped outside CI when ZooKeeper or Java is missing.
import { lacks } from '../../../test/prerequisites.js';
import {
  findZooKeeperInstallation,
  LocalZooKeeper,
  parseSrvr,
  ZooKeeperNotInstalledError,
  ZooKeeperStartError,
} from '../src/index.js';

let scratch: string;
let zk: LocalZooKeeper;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'zookit-testing-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(lacks('zookeeper'))('LocalZooKeeper', () => {
  beforeAll(async () => {
    zk = await LocalZooKeeper.start({ tickTime: 500, minSessionTimeout: 1500, maxSessionTimeout: 6000 });
  });
  afterAll(async () => {
    await zk?.stop();
  });

  it('start – serves on a free loopback port: ruok answers imok, srvr reports standalone', async () => {
    expect(zk.host).toBe('127.0.0.1');
    expect(zk.connectString).toBe(`127.0.0.1:${zk.port}`);
    expect(zk.pid).toBeGreaterThan(0);
    expect(zk.running).toBe(true);
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
    const status = parseSrvr(await zk.fourLetterWord('srvr'));
    expect(status?.mode).toBe('standalone');
    expect(status?.version).toMatch(/^3\.\d+\.\d+/);
    expect(status?.nodeCount).toBeGreaterThanOrEqual(1);
  });

  it('start – options reach zoo.cfg: conf shows tickTime, session bounds and the data dir', async () => {
    const conf = await zk.fourLetterWord('conf');
    expect(conf).toMatch(/^tickTime=500$/m);
    expect(conf).toMatch(/^minSessionTimeout=1500$/m);
    expect(conf).toMatch(/^maxSessionTimeout=6000$/m);
    expect(conf).toContain(zk.dataDir);
  });

  it('pause – ruok times out while paused and answers again after resume', async () => {
    await zk.pause();
    expect(zk.paused).toBe(true);
    await expect(zk.fourLetterWord('ruok', { timeout: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
    await zk.resume();
    expect(zk.paused).toBe(false);
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
  });

  it('kill – SIGKILL ends the JVM; restart() brings it back on the same port', async () => {
    const { port, pid } = zk;
    await zk.kill();
    expect(zk.running).toBe(false);
    expect(zk.pid).toBeUndefined();
    await expect(zk.fourLetterWord('ruok', { timeout: 1000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await zk.restart();
    expect(zk.port).toBe(port);
    expect(zk.pid).not.toBe(pid);
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
  });

  it('stop – is idempotent, frees the port, removes the temporary data dir; restart() then rejects', async () => {
    const { dataDir } = zk;
    expect(existsSync(dataDir)).toBe(true);
    await Promise.all([zk.stop(), zk.stop()]);
    await zk.stop();
    expect(zk.running).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    await expect(zk.fourLetterWord('ruok', { timeout: 1000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(zk.restart()).rejects.toThrow(/stopped for good/);
  });

  it('dataDir – a caller-chosen data directory is used and kept after stop(); extra config lines apply', async () => {
    const dataDir = join(scratch, 'kept');
    const own = await LocalZooKeeper.start({ tickTime: 500, dataDir, config: { maxClientCnxns: 7 } });
    try {
      expect(own.dataDir).toBe(dataDir);
      const conf = await own.fourLetterWord('conf');
      expect(conf).toContain(dataDir);
      expect(conf).toMatch(/^maxClientCnxns=7$/m);
    } finally {
      await own.stop();
    }
    expect(await readdir(dataDir)).toContain('version-2');
  });

  it('start – a JVM that exits early rejects with ZooKeeperStartError holding its log', async () => {
    const error = await LocalZooKeeper.start({ jvmFlags: ['-XX:+NoSuchZookitFlag'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperStartError);
    expect((error as ZooKeeperStartError).message).toMatch(/exited with code 1 before serving/);
    expect((error as ZooKeeperStartError).logTail).toMatch(/NoSuchZookitFlag/);
  });

  it('options – invalid numbers are RangeErrors naming the option', async () => {
    await expect(LocalZooKeeper.start({ tickTime: 0 })).rejects.toThrow(RangeError);
    await expect(LocalZooKeeper.start({ tickTime: 0 })).rejects.toThrow(/tickTime/);
    await expect(LocalZooKeeper.start({ port: 70_000 })).rejects.toThrow(/port/);
  });
});

describe('missing installation', () => {
  it('an empty zookeeperHome rejects with ZooKeeperNotInstalledError saying what to install', async () => {
    const empty = await mkdtemp(join(scratch, 'empty-home-'));
    const error = await LocalZooKeeper.start({ zookeeperHome: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperNotInstalledError);
    expect((error as ZooKeeperNotInstalledError).missing).toBe('zookeeper');
    expect((error as Error).message).toContain(empty);
    expect((error as Error).message).toContain('apt-get install -y zookeeper');
    expect((error as Error).message).toContain('ZOOKEEPER_HOME');
  });

  it('an empty ZOOKEEPER_HOME is not silently replaced by the Debian jars', async () => {
    const empty = await mkdtemp(join(scratch, 'empty-env-'));
    expect(() => findZooKeeperInstallation({ env: { ...process.env, ZOOKEEPER_HOME: empty } })).toThrow(
      ZooKeeperNotInstalledError,
    );
  });

  it('no java rejects with ZooKeeperNotInstalledError saying what to install', async () => {
    const error = await LocalZooKeeper.start({ java: join(scratch, 'no-such-java') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperNotInstalledError);
    expect((error as ZooKeeperNotInstalledError).missing).toBe('java');
    expect((error as Error).message).toContain('apt-get install -y zookeeper');
    expect(() => findZooKeeperInstallation({ env: { PATH: '' } })).toThrow(/no `java` on PATH/);
  });
});
