// Memory with a limit, shared by the core and the links below it: every map a stranger can make
// grow keeps at most `limit` entries, dropping the least recently written first (a Map keeps
// insertion order, and a write moves its key to the end).

/** Writes `key` as the newest entry of `map`, dropping the oldest past `limit`. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}
