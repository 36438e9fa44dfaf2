"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";

export type ParamUpdates = Record<string, string | null>;

/**
 * The URL is the table's state (STYLE §8): `hrefWith` builds this page's URL with some
 * parameters replaced (null or "" removes one); `replace` navigates there without scrolling.
 */
export function useUrlParams() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const hrefWith = (updates: ParamUpdates) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(updates)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const replace = (updates: ParamUpdates) => router.replace(hrefWith(updates), { scroll: false });
  return { hrefWith, replace };
}
