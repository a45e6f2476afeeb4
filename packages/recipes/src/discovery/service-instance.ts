/**
 * ServiceInstance — one registered instance of a service, and its JSON as curator-x-discovery
 * writes it (Jackson, `JsonInstanceSerializer` with compatible mode off):
 * `{"name","id","address","port","sslPort","payload","registrationTimeUTC","serviceType","uriSpec","enabled"}`
 * in that order, absent values as `null`. Curator 5.4's default serializer leaves `enabled`
 * out (its pre-CURATOR-275 compatible mode); a missing `enabled` reads as true, as in Curator.
 * Unknown fields (a newer Curator's) are ignored when reading.
 *
 * The payload is kept as the JSON value it is, both ways: Jackson writes a Map or bean payload
 * as an object with the Java class in an `"@class"` property, which is read here unchanged (and
 * written back unchanged on a re-registration). Curator reads an object payload without
 * `"@class"` as a Map.
 */
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { parseUriSpec, type UriSpec } from './uri-spec.js';

/**
 * How the instance's node is made (Curator's ServiceType): `DYNAMIC` ephemeral, re-registered
 * on a new session; `DYNAMIC_SEQUENTIAL` the same, ephemeral-sequential; `STATIC` persistent,
 * re-created if deleted while registered, deleted on unregister or close; `PERMANENT`
 * persistent, written once, never re-created, left in place by close (CURATOR-94).
 */
export type ServiceType = 'DYNAMIC' | 'DYNAMIC_SEQUENTIAL' | 'STATIC' | 'PERMANENT';

const SERVICE_TYPES: readonly ServiceType[] = ['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'STATIC', 'PERMANENT'];

export interface ServiceInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly sslPort: number | null;
  /** A JSON value (see the module comment on `"@class"`), or null. */
  readonly payload: P | null;
  /** Milliseconds since the epoch. */
  readonly registrationTimeUTC: number;
  readonly serviceType: ServiceType;
  readonly uriSpec: UriSpec | null;
  /** A disabled instance is listed but never picked by a ServiceProvider. */
  readonly enabled: boolean;
}

/** What {@link serviceInstance} needs: the name, the rest defaulted. */
export interface ServiceInstanceInit<P = unknown> {
  readonly name: string;
  /** Default a random UUID. */
  readonly id?: string;
  /** Default the first non-internal IPv4 address of this host (else IPv6, else null). */
  readonly address?: string | null;
  readonly port?: number | null;
  readonly sslPort?: number | null;
  readonly payload?: P | null;
  /** Default now. */
  readonly registrationTimeUTC?: number;
  /** Default `DYNAMIC`. */
  readonly serviceType?: ServiceType;
  /** A spec, or its text form (`"{scheme}://{address}:{port}"`). */
  readonly uriSpec?: UriSpec | string | null;
  /** Default true. */
  readonly enabled?: boolean;
}

/** A data node that is not a service instance (not JSON, or a field of the wrong type). */
export class ServiceInstanceFormatError extends Error {
  override readonly name = 'ServiceInstanceFormatError';
}

/**
 * A complete instance from `init`. Throws a TypeError or RangeError naming the first bad field:
 * name and id must be znode names, ports integers in 0–65535, the payload JSON-serializable.
 */
export function serviceInstance<P = unknown>(init: ServiceInstanceInit<P>): ServiceInstance<P> {
  if (typeof init !== 'object' || init === null) throw new TypeError('instance: expected an object');
  const instance: ServiceInstance<P> = {
    name: init.name,
    id: init.id ?? randomUUID(),
    address: init.address === undefined ? localAddress() : init.address,
    port: init.port ?? null,
    sslPort: init.sslPort ?? null,
    payload: init.payload ?? null,
    registrationTimeUTC: init.registrationTimeUTC ?? Date.now(),
    serviceType: init.serviceType ?? 'DYNAMIC',
    uriSpec: typeof init.uriSpec === 'string' ? parseUriSpec(init.uriSpec) : (init.uriSpec ?? null),
    enabled: init.enabled ?? true,
  };
  checkServiceInstance(instance);
  return instance;
}

/** Throws a TypeError or RangeError naming the first field of `instance` that is not valid. */
export function checkServiceInstance(instance: ServiceInstance<unknown>, what = 'instance'): void {
  if (typeof instance !== 'object' || instance === null) throw new TypeError(`${what}: expected an object`);
  checkNodeName(`${what}.name`, instance.name);
  checkNodeName(`${what}.id`, instance.id);
  if (instance.address !== null && typeof instance.address !== 'string') {
    throw new TypeError(`${what}.address: expected a string or null`);
  }
  for (const key of ['port', 'sslPort'] as const) {
    const port = instance[key];
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw new RangeError(`${what}.${key}: expected an integer port 0-65535 or null, got ${String(port)}`);
    }
  }
  if (!Number.isSafeInteger(instance.registrationTimeUTC)) {
    throw new TypeError(`${what}.registrationTimeUTC: expected an integer (ms since the epoch)`);
  }
  if (!SERVICE_TYPES.includes(instance.serviceType)) {
    throw new TypeError(`${what}.serviceType: expected one of ${SERVICE_TYPES.join(', ')}`);
  }
  if (typeof instance.enabled !== 'boolean') throw new TypeError(`${what}.enabled: expected a boolean`);
  if (instance.uriSpec !== null && !Array.isArray(instance.uriSpec?.parts)) {
    throw new TypeError(`${what}.uriSpec: expected { parts: [...] } or null`);
  }
  try {
    JSON.stringify(instance.payload);
  } catch (err) {
    throw new TypeError(`${what}.payload: not JSON-serializable (${(err as Error).message})`);
  }
}

function checkNodeName(what: string, value: unknown): void {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new TypeError(`${what}: expected a znode name (non-empty, no "/"), got ${JSON.stringify(value)}`);
  }
}

/** The instance's JSON, field for field as Curator writes it (with `enabled`). */
export function encodeServiceInstance(instance: ServiceInstance<unknown>): Buffer {
  const { name, id, address, port, sslPort, payload, registrationTimeUTC, serviceType, uriSpec, enabled } = instance;
  const spec = uriSpec === null ? null : { parts: uriSpec.parts.map(({ value, variable }) => ({ value, variable })) };
  return Buffer.from(
    JSON.stringify({
      name,
      id,
      address,
      port,
      sslPort,
      payload,
      registrationTimeUTC,
      serviceType,
      uriSpec: spec,
      enabled,
    }),
  );
}

/**
 * Reads an instance written by Curator or zookit. Missing fields take Curator's defaults (null;
 * `DYNAMIC`; `enabled` true); unknown fields are ignored.
 * @throws {ServiceInstanceFormatError} for data that is not such JSON.
 */
export function decodeServiceInstance(data: Uint8Array | null): ServiceInstance<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data ?? []).toString('utf8'));
  } catch (err) {
    throw new ServiceInstanceFormatError(`not a service instance: invalid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ServiceInstanceFormatError('not a service instance: expected a JSON object');
  }
  const o = json as Record<string, unknown>;
  const spec = o.uriSpec ?? null;
  const instance: ServiceInstance<unknown> = {
    name: (o.name ?? '') as string,
    id: (o.id ?? '') as string,
    address: (o.address ?? null) as string | null,
    port: (o.port ?? null) as number | null,
    sslPort: (o.sslPort ?? null) as number | null,
    payload: o.payload ?? null,
    registrationTimeUTC: (o.registrationTimeUTC ?? 0) as number,
    serviceType: (o.serviceType ?? 'DYNAMIC') as ServiceType,
    uriSpec:
      spec === null
        ? null
        : {
            parts: ((spec as { parts?: unknown }).parts as { value?: unknown; variable?: unknown }[] | undefined)?.map(
              (p) => ({ value: String(p?.value ?? ''), variable: p?.variable === true }),
            ) as UriSpecParts,
          },
    enabled: (o.enabled ?? true) as boolean,
  };
  try {
    checkServiceInstance(instance);
  } catch (err) {
    throw new ServiceInstanceFormatError(`not a service instance: ${(err as Error).message}`);
  }
  return instance;
}

type UriSpecParts = UriSpec['parts'];

/** The first non-internal address of this host, IPv4 first (Curator takes its first NIC's). */
function localAddress(): string | null {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  return (external.find((a) => a.family === 'IPv4') ?? external[0])?.address ?? null;
}
