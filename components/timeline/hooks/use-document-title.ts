"use client";

import { useEffect } from "react";

/** Sets `document.title` from the client (where the layout's title template does not apply). */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
