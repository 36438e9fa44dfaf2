"use client";

import { useState } from "react";

interface Versioned {
  id: string;
  version: number;
}

interface Drawn {
  key: string;
  items: readonly Versioned[] | undefined;
  versions: ReadonlyMap<string, number>;
  changed: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Ids of the rows that are new or at another version since the list last drew this same query
 * (`key`): a register, an edit or a live change. A different query (filter, page) draws without
 * highlights. Folded once per result, during render.
 */
export function useChangedRows(key: string, items: readonly Versioned[] | undefined): ReadonlySet<string> {
  const [drawn, setDrawn] = useState<Drawn>({ key, items: undefined, versions: new Map(), changed: NONE });
  if (items && items !== drawn.items) {
    const comparable = drawn.items !== undefined && drawn.key === key;
    const changed = comparable ? new Set(items.filter((i) => drawn.versions.get(i.id) !== i.version).map((i) => i.id)) : NONE;
    setDrawn({ key, items, versions: new Map(items.map((i) => [i.id, i.version])), changed });
  }
  return drawn.changed;
}
