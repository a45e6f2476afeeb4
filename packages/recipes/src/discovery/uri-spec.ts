/**
 * UriSpec — a URI template with `{field}` replacement fields, stored in an instance's JSON as
 * Curator's UriSpec is: `{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},…]}`.
 * Plain data, so that a spec read from ZooKeeper compares equal to one parsed here.
 */
import type { ServiceInstance } from './service-instance.js';

/** One token of a spec: literal text, or the name of a replacement field. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

export interface UriSpec {
  readonly parts: readonly UriSpecPart[];
}

/**
 * Parses `"{scheme}://{address}:{port}/path"`. Field names are trimmed; empty text between
 * braces produces no part (as Curator's tokenizer). Throws a TypeError naming the problem for
 * a `{` inside a field, a `}` without `{`, or a field left open.
 */
export function parseUriSpec(raw: string): UriSpec {
  if (typeof raw !== 'string') throw new TypeError(`uriSpec: expected a string, got ${typeof raw}`);
  const parts: UriSpecPart[] = [];
  let inside = false;
  for (const token of raw.split(/([{}])/)) {
    if (token === '{') {
      if (inside) throw new TypeError(`uriSpec: "{" inside a field in ${JSON.stringify(raw)}`);
      inside = true;
    } else if (token === '}') {
      if (!inside) throw new TypeError(`uriSpec: "}" without a "{" in ${JSON.stringify(raw)}`);
      inside = false;
    } else if (token !== '') {
      parts.push({ value: inside ? token.trim() : token, variable: inside });
    }
  }
  if (inside) throw new TypeError(`uriSpec: a field is not closed with "}" in ${JSON.stringify(raw)}`);
  return { parts };
}

/**
 * Builds the URI. Fields: `scheme` ("https" when the instance has an sslPort, else "http"),
 * `name`, `id`, `address`, `port`, `ssl-port`, `registration-time-utc`, `service-type`
 * (lower case), `[` and `]` (literal braces); absent instance values give "". `variables`
 * override them all. A field with no value is left out.
 */
export function buildUri(
  spec: UriSpec,
  instance?: ServiceInstance<unknown>,
  variables: Readonly<Record<string, unknown>> = {},
): string {
  const values: Record<string, unknown> = { '[': '{', ']': '}', scheme: 'http' };
  if (instance) {
    values.name = instance.name;
    values.id = instance.id;
    values.address = instance.address ?? '';
    values.port = instance.port ?? '';
    values['ssl-port'] = instance.sslPort ?? '';
    values['registration-time-utc'] = instance.registrationTimeUTC;
    values['service-type'] = instance.serviceType.toLowerCase();
    if (instance.sslPort !== null) values.scheme = 'https';
  }
  Object.assign(values, variables);
  let uri = '';
  for (const part of spec.parts) {
    if (!part.variable) uri += part.value;
    else if (values[part.value] !== undefined && values[part.value] !== null) uri += String(values[part.value]);
  }
  return uri;
}
