"use client";

import { useEffect, useRef, useState } from "react";

const SEARCH_DEBOUNCE_MS = 300;
/** The API refuses shorter searches (MIN_SEARCH_LENGTH): one character waits for the next. */
const MIN_SEARCH_LENGTH = 2;

/**
 * A search box over a URL parameter: typed text is local; `commit` (the URL write) follows
 * ~300 ms after the last keystroke, with the text trimmed. A new `value` from the URL (Back,
 * a link) replaces the text unless it is the one this box sent.
 */
export function useDebouncedSearch(value: string, commit: (q: string) => void) {
  const [q, setQ] = useState(value);
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setQ(value);
    }
  }, [value]);
  useEffect(() => {
    const trimmed = q.trim();
    if (trimmed === sent.current.trim() || (trimmed.length > 0 && trimmed.length < MIN_SEARCH_LENGTH)) return;
    const timer = setTimeout(() => {
      sent.current = q.trim();
      commit(q.trim());
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // commit is rebuilt every render; the debounce depends on the typed text only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  /** Empty the box without a URL write of its own (the caller resets the URL). */
  const clear = () => {
    sent.current = "";
    setQ("");
  };
  return { q, setQ, clear };
}
