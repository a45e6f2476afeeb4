/**
 * @zookit/server — the bundled ZooKeeper-compatible server. Not yet implemented: this
 * package exports nothing until issue 4 lands it (see the repository README's status table).
 */
export {};
