const HINTS = {
  zookeeper:
    'Install it with `apt-get install -y zookeeper` (Debian/Ubuntu; this also installs Java), or set ZOOKEEPER_HOME ' +
    'to an unpacked Apache ZooKeeper binary release (apache-zookeeper-<version>-bin, holding lib/*.jar).',
  java:
    'Install it with `apt-get install -y zookeeper` (Debian/Ubuntu; this pulls in a Java runtime), or install ' +
    'Java 8 or newer and put `java` on PATH or set JAVA_HOME.',
} as const;

/**
 * Thrown (or rejected) when no ZooKeeper installation or no Java runtime can be found. The
 * message names what was looked for and exactly what to install; nothing was started.
 */
export class ZooKeeperNotInstalledError extends Error {
  override readonly name = 'ZooKeeperNotInstalledError';
  /** Which part is missing. */
  readonly missing: 'zookeeper' | 'java';
  /** What was looked for and not found, without the install hint. */
  readonly detail: string;

  constructor(missing: 'zookeeper' | 'java', detail: string) {
    super(`${missing === 'java' ? 'Java' : 'ZooKeeper'} is not installed: ${detail}. ${HINTS[missing]}`);
    this.missing = missing;
    this.detail = detail;
  }
}
