import type { ConfigValue } from './options.js';

/**
 * Formats zoo.cfg text (a Java properties file), one `key=value` line per entry in insertion
 * order. Backslashes in values are escaped, as the properties format requires.
 * @throws {TypeError} for a key that is not a property name or a value holding a line break.
 */
export function formatZooCfg(entries: Readonly<Record<string, ConfigValue>>): string {
  const lines = Object.entries(entries).map(([key, value]) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new TypeError(`config key '${key}' is not a zoo.cfg property name`);
    const text = String(value);
    if (/[\r\n]/.test(text)) throw new TypeError(`config value of '${key}' holds a line break`);
    return `${key}=${text.replaceAll('\\', '\\\\')}`;
  });
  return `${lines.join('\n')}\n`;
}
