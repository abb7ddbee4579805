// Helpers for the batched reads behind the per-request loaders (session-field.loaders.ts): one
// query for many parents, its rows handed back to each parent.

/** The distinct values of `keys` (a batch may ask for one key twice). */
export const distinct = <K>(keys: readonly K[]): K[] => [...new Set(keys)];

/** `rows` grouped by `keyOf`, each group in the rows' order; every key asked for has a group. */
export function groupBy<K, T>(
  keys: readonly K[],
  rows: readonly T[],
  keyOf: (row: T) => K,
): Map<K, T[]> {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return groups;
}
