import type { ACL, Id } from '../records/data.js';

/** Permission bits of an {@link ACL} (ZooDefs.Perms). */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;
export type Perms = (typeof Perms)[keyof typeof Perms];

/** Well-known identities and ACLs (ZooDefs.Ids). Frozen: copy before changing. */
export const Ids: {
  readonly ANYONE_ID_UNSAFE: Readonly<Id>;
  readonly AUTH_IDS: Readonly<Id>;
  readonly OPEN_ACL_UNSAFE: readonly ACL[];
  readonly CREATOR_ALL_ACL: readonly ACL[];
  readonly READ_ACL_UNSAFE: readonly ACL[];
} = deepFreeze({
  ANYONE_ID_UNSAFE: { scheme: 'world', id: 'anyone' },
  AUTH_IDS: { scheme: 'auth', id: '' },
  OPEN_ACL_UNSAFE: [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }],
  CREATOR_ALL_ACL: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }],
  READ_ACL_UNSAFE: [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }],
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
