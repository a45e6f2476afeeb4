/**
 * @zookit/client — the ZooKeeper client zookit's recipes stand on. Not yet implemented: this
 * package exports nothing until issue 3 lands it (see the repository README's status table).
 */
export {};
