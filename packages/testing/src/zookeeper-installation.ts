import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { ZooKeeperNotInstalledError } from './zookeeper-not-installed-error.js';

/** Where Debian's `zookeeper` package (libzookeeper-java) puts its jars. */
export const DEBIAN_JAVA_DIR = '/usr/share/java';

/**
 * The jars of Debian's 3.8 package that a server needs, in classpath order. Found by starting
 * ZooKeeperServerMain on a manifest-less copy of zookeeper.jar: without metrics-core the server
 * does not start, and without snappy-java it listens but never serves (taking the first snapshot
 * fails). The slf4j binding is optional: slf4j-simple logs to stderr, which becomes the log file.
 * (Debian's zookeeper.jar also names its dependencies in its manifest's Class-Path.)
 */
const DEBIAN_JARS = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'metrics-core.jar', 'snappy-java.jar'];
const DEBIAN_LOG_BINDINGS = ['slf4j-simple.jar', 'slf4j-nop.jar'];

/** A Java runtime and a ZooKeeper classpath that can start a server. */
export interface ZooKeeperInstallation {
  /** Path of the `java` executable. */
  readonly java: string;
  /** Classpath entries (jars and the configuration directory of a ZOOKEEPER_HOME). */
  readonly classpath: readonly string[];
  /** Where the jars came from, for messages: `ZOOKEEPER_HOME=/opt/zk` or `Debian package (/usr/share/java)`. */
  readonly source: string;
}

/** Where to look for ZooKeeper and Java. */
export interface FindZooKeeperOptions {
  /** An Apache ZooKeeper binary release directory. Default: `$ZOOKEEPER_HOME`, then Debian's package. */
  zookeeperHome?: string | undefined;
  /** The `java` executable. Default: `$JAVA_HOME/bin/java`, then `java` on `PATH`. */
  java?: string | undefined;
  /** Environment to read ZOOKEEPER_HOME, JAVA_HOME and PATH from. Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Finds a ZooKeeper installation and a Java runtime, without starting anything.
 * An explicit `zookeeperHome` (or a non-empty ZOOKEEPER_HOME) is used or refused, never
 * silently replaced by the Debian jars.
 * @throws {ZooKeeperNotInstalledError} when either is missing; the message says what to install.
 */
export function findZooKeeperInstallation(options: FindZooKeeperOptions = {}): ZooKeeperInstallation {
  const env = options.env ?? process.env;
  const home = options.zookeeperHome ?? (env.ZOOKEEPER_HOME || undefined);
  const { classpath, source } = home === undefined ? debianClasspath() : homeClasspath(home, options.zookeeperHome);
  return { java: findJava(options.java, env), classpath, source };
}

function homeClasspath(home: string, fromOption: string | undefined): { classpath: string[]; source: string } {
  const source = fromOption === undefined ? `ZOOKEEPER_HOME=${home}` : `zookeeperHome ${home}`;
  const jars = [...jarsIn(join(home, 'lib')), ...jarsIn(home)];
  // zookeeper-3.8.0.jar, not zookeeper-jute-3.8.0.jar; Debian-style unversioned zookeeper.jar too.
  if (!jars.some((jar) => /(^|[/\\])zookeeper(-\d[^/\\]*)?\.jar$/.test(jar))) {
    throw new ZooKeeperNotInstalledError(
      'zookeeper',
      `${source} holds no zookeeper-<version>.jar in lib/ or at its top`,
    );
  }
  const conf = join(home, 'conf');
  return { classpath: existsSync(conf) ? [conf, ...jars] : jars, source };
}

function debianClasspath(): { classpath: string[]; source: string } {
  const source = `Debian package (${DEBIAN_JAVA_DIR})`;
  const jars = DEBIAN_JARS.map((name) => join(DEBIAN_JAVA_DIR, name));
  const [zookeeper, jute] = jars;
  if (!isFile(zookeeper as string) || !isFile(jute as string)) {
    throw new ZooKeeperNotInstalledError(
      'zookeeper',
      `ZOOKEEPER_HOME is not set and ${DEBIAN_JAVA_DIR} has no zookeeper.jar and zookeeper-jute.jar`,
    );
  }
  const binding = DEBIAN_LOG_BINDINGS.map((name) => join(DEBIAN_JAVA_DIR, name)).find(isFile);
  return { classpath: [...jars.filter(isFile), ...(binding ? [binding] : [])], source };
}

function findJava(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit !== undefined) {
    if (isExecutable(explicit)) return explicit;
    throw new ZooKeeperNotInstalledError('java', `the java option names ${explicit}, which is not an executable file`);
  }
  if (env.JAVA_HOME) {
    const java = join(env.JAVA_HOME, 'bin', 'java');
    if (isExecutable(java)) return java;
    throw new ZooKeeperNotInstalledError('java', `JAVA_HOME=${env.JAVA_HOME} has no executable bin/java`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const java = join(dir, 'java');
    if (isExecutable(java)) return java;
  }
  throw new ZooKeeperNotInstalledError('java', 'no `java` on PATH and JAVA_HOME is not set');
}

function jarsIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // a missing lib/ is reported as "no zookeeper jar" by the caller
  }
  return names
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(dir, name));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  if (!isFile(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
