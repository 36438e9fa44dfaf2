"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { ActorDirectory } from "@/lib/queries/actors";

const ActorDirectoryContext = createContext<ActorDirectory>({});

/** Gives every `ActorName` below it the names of the app's users and API keys (loaded by the root layout). */
export function ActorDirectoryProvider({ directory, children }: { directory: ActorDirectory; children: ReactNode }) {
  return <ActorDirectoryContext.Provider value={directory}>{children}</ActorDirectoryContext.Provider>;
}

export function useActorDirectory(): ActorDirectory {
  return useContext(ActorDirectoryContext);
}

/** "Ana Lee" and her email, for an event's recorded actor; text only, for titles and option labels. */
export function useActorLabel(actor: string): string {
  const entry = useActorDirectory()[actor];
  if (!entry) return actor;
  return entry.email ? `${entry.name} (${entry.email})` : entry.name;
}

/**
 * Who caused an event: "Ana Lee ana.lee@example.com", an API key's name, "Demo seed". An actor
 * the directory does not know (a deleted key, "web" from before sign-in) reads as recorded.
 */
export function ActorName({ actor, className = "" }: { actor: string; className?: string }) {
  const entry = useActorDirectory()[actor];
  if (!entry) {
    return (
      <span className={`font-mono ${className}`} data-actor={actor}>
        {actor}
      </span>
    );
  }
  return (
    <span className={className} data-actor={actor} title={actor}>
      <span className="font-medium text-zinc-800 dark:text-zinc-200">{entry.name}</span>
      {entry.email ? <span className="text-zinc-600 dark:text-zinc-400"> ({entry.email})</span> : null}
    </span>
  );
}
