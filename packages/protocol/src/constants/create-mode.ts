/** The `flags` of a create request (CreateMode). */
export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;
export type CreateMode = (typeof CreateMode)[keyof typeof CreateMode];

/** What a create mode implies, as ZooKeeper's CreateMode enum records it. */
export interface CreateModeInfo {
  readonly flags: CreateMode;
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  readonly ttl: boolean;
}

const infos: readonly CreateModeInfo[] = Object.freeze(
  [
    [false, false, false, false],
    [true, false, false, false],
    [false, true, false, false],
    [true, true, false, false],
    [false, false, true, false],
    [false, false, false, true],
    [false, true, false, true],
  ].map(([ephemeral, sequential, container, ttl], flags) =>
    Object.freeze({ flags: flags as CreateMode, ephemeral, sequential, container, ttl } as CreateModeInfo),
  ),
);

/** The properties of create-mode `flags`, or `undefined` for an invalid flag (ZooKeeper answers BadArguments). */
export function createModeInfo(flags: number): CreateModeInfo | undefined {
  return Number.isInteger(flags) ? infos[flags] : undefined;
}

/** Largest TTL ZooKeeper accepts, in ms (2^40 - 1: the TTL is packed into the ephemeralOwner field). */
export const MAX_TTL = 0xff_ffff_ffffn;
