/** A zoo.cfg value or a JVM system property value. */
export type ConfigValue = string | number | boolean;

/** Options shared by {@link LocalZooKeeper} and {@link LocalZooKeeperEnsemble}. */
export interface LocalZooKeeperCommonOptions {
  /**
   * An unpacked Apache ZooKeeper binary release (its `lib/*.jar` and `conf/` are used).
   * Default: `$ZOOKEEPER_HOME`, then Debian's `zookeeper` package (/usr/share/java).
   */
  zookeeperHome?: string;
  /** The `java` executable. Default: `$JAVA_HOME/bin/java`, then `java` on PATH. */
  java?: string;
  /** ZooKeeper's tick in ms (heartbeats, session timeout bounds, election limits). Default 2000, as ZooKeeper. */
  tickTime?: number;
  /** Smallest session timeout the server grants, in ms. Default (ZooKeeper's): 2 × tickTime. */
  minSessionTimeout?: number;
  /** Largest session timeout the server grants, in ms. Default (ZooKeeper's): 20 × tickTime. */
  maxSessionTimeout?: number;
  /**
   * Extra zoo.cfg lines; they replace the defaults of the same key. The defaults: clientPortAddress
   * 127.0.0.1, admin.enableServer=false, 4lw.commands.whitelist=*, extendedTypesEnabled=true (TTL
   * nodes), forceSync=no (a killed JVM loses nothing without fsync; only a machine crash would),
   * and for ensembles initLimit=10, syncLimit=5.
   */
  config?: Readonly<Record<string, ConfigValue>>;
  /** Extra JVM system properties (`-Dkey=value`), after (so overriding) the defaults. */
  systemProperties?: Readonly<Record<string, ConfigValue>>;
  /**
   * Extra JVM flags, after (so overriding) the fast-start defaults `-Xshare:auto
   * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -XX:-UsePerfData`.
   */
  jvmFlags?: readonly string[];
  /** Bound in ms on starting until every server serves (also used by `restart()`). Default 30000. */
  startTimeout?: number;
  /** Bound in ms on a graceful stop (SIGTERM) before SIGKILL. Default 10000. */
  stopTimeout?: number;
}

/** Options of {@link LocalZooKeeper.start}. */
export interface LocalZooKeeperOptions extends LocalZooKeeperCommonOptions {
  /** Client port on 127.0.0.1. Default: a free port. */
  port?: number;
  /**
   * Data directory. Default: a fresh temporary directory, removed by `stop()`. A directory given
   * here is created if missing, reused as it is (a previous run's data included), and kept.
   */
  dataDir?: string;
}

/** Options of {@link LocalZooKeeperEnsemble.start}. */
export interface LocalZooKeeperEnsembleOptions extends LocalZooKeeperCommonOptions {
  /** Number of voting servers, 2 to 9. Default 3. */
  servers?: number;
}

/** Common options with every default applied (internal). */
export interface ResolvedCommonOptions {
  zookeeperHome: string | undefined;
  java: string | undefined;
  tickTime: number;
  minSessionTimeout: number | undefined;
  maxSessionTimeout: number | undefined;
  config: Readonly<Record<string, ConfigValue>>;
  systemProperties: Readonly<Record<string, ConfigValue>>;
  jvmFlags: readonly string[];
  startTimeout: number;
  stopTimeout: number;
}

/**
 * Validates the common options and applies their defaults.
 * @throws {RangeError} naming the option for a non-positive or non-integer number.
 */
export function resolveCommonOptions(options: LocalZooKeeperCommonOptions): ResolvedCommonOptions {
  const positive = (name: string, value: number | undefined, fallback?: number): number | undefined => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    return value;
  };
  return {
    zookeeperHome: options.zookeeperHome,
    java: options.java,
    tickTime: positive('tickTime', options.tickTime, 2000) as number,
    minSessionTimeout: positive('minSessionTimeout', options.minSessionTimeout),
    maxSessionTimeout: positive('maxSessionTimeout', options.maxSessionTimeout),
    config: options.config ?? {},
    systemProperties: options.systemProperties ?? {},
    jvmFlags: options.jvmFlags ?? [],
    startTimeout: positive('startTimeout', options.startTimeout, 30_000) as number,
    stopTimeout: positive('stopTimeout', options.stopTimeout, 10_000) as number,
  };
}
