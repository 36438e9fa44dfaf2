"use client";

import { useActorDirectory } from "@/components/actors/actor-name";
import { Select } from "@/components/ui/input";

/**
 * "Changed by": the people (and API keys) the app knows, from the root layout's directory. An
 * actor in the URL that the directory lacks (a legacy "web", a deleted key) stays selectable.
 */
export function ActorSelect({ value, onChange }: { value: string; onChange(actor: string): void }) {
  const directory = useActorDirectory();
  const entries = Object.entries(directory);
  const users = entries.filter(([, view]) => view.kind === "user");
  const others = entries.filter(([, view]) => view.kind !== "user");
  return (
    <div className="basis-60">
      <label htmlFor="event-actor" className="mb-1 block text-sm font-medium">
        Changed by
      </label>
      <Select id="event-actor" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Anyone</option>
        {value && !directory[value] ? <option value={value}>{value}</option> : null}
        <optgroup label="People">
          {users.map(([actor, view]) => (
            <option key={actor} value={actor}>
              {view.name} ({view.email})
            </option>
          ))}
        </optgroup>
        {others.length ? (
          <optgroup label="API keys and system">
            {others.map(([actor, view]) => (
              <option key={actor} value={actor}>
                {view.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </Select>
    </div>
  );
}
