"use client";

import { useEffect } from "react";

/*
 * Focus for an outcome that arrives with the server's re-render: a command whose button is
 * removed by its own success (Archive…) cannot focus the outcome itself, since it unmounts in
 * the commit that shows it. It names the outcome first; the outcome takes focus when it mounts.
 * A page that merely loads with the outcome already shown (an archived customer) does not.
 */
let expected: string | null = null;

/** Call before the command is sent: the element with this id takes focus when it appears (null: the command failed). */
export function focusOnArrival(id: string | null) {
  expected = id;
}

/** Render beside the outcome element (`id`): focuses it once, if a command asked for it. */
export function ArrivalFocus({ id }: { id: string }) {
  useEffect(() => {
    if (expected !== id) return;
    expected = null;
    document.getElementById(id)?.focus();
  }, [id]);
  return null;
}
