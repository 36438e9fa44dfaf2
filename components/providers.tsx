"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

/**
 * Client-side providers shared by every page. One QueryClient per browser tab
 * (created lazily in state so a re-render never throws the cache away).
 */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // History is immutable: a version's state never changes once written,
            // so there is no reason to refetch it on focus.
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            retry: (failureCount, error) =>
              failureCount < 2 && !(error instanceof Error && /\b4\d\d\b/.test(error.message)),
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
