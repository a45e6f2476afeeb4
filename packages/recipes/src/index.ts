/**
 * @zookit/recipes — Curator-style coordination recipes. Not yet implemented: this
 * package exports nothing until issue 5 lands it (see the repository README's status table).
 */
export {};
