"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import type { WhatIfResponse } from "@/lib/http/what-if";
import { describeEvent } from "@/lib/queries/describe";

const COMMANDS = {
  RenameCustomer: "Rename",
  ChangeCustomerAddress: "Change address",
  ChangeCustomerContact: "Change contact",
  ArchiveCustomer: "Archive",
} as const;
type CommandType = keyof typeof COMMANDS;

async function tryCommand(streamId: string, version: number, command: Record<string, unknown>): Promise<WhatIfResponse> {
  const response = await fetch(`/api/streams/${encodeURIComponent(streamId)}/what-if`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ version, command }),
  });
  const body = (await response.json().catch(() => null)) as (WhatIfResponse & { error?: { message?: string; fieldErrors?: Record<string, string[]> } }) | null;
  if (!response.ok || !body) {
    const fields = Object.entries(body?.error?.fieldErrors ?? {}).map(([field, messages]) => `${field.replace(/^command\./, "")}: ${messages.join(", ")}`);
    throw new Error(fields.length ? fields.join("; ") : (body?.error?.message ?? `The preview failed (${response.status})`));
  }
  return body;
}

/**
 * "Try a command here": decide a command against the customer as it was at version N (nothing is
 * appended), and set the result beside what really happened after N.
 */
export function WhatIfPanel({ streamId, version }: { streamId: string; version: number }) {
  const [type, setType] = useState<CommandType>("RenameCustomer");
  const [fields, setFields] = useState({ name: "", street: "", city: "", email: "", phone: "", reason: "" });
  const preview = useMutation({ mutationFn: (command: Record<string, unknown>) => tryCommand(streamId, version, command) });
  const set = (field: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [field]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const command: Record<string, unknown> = { type };
    if (type === "RenameCustomer") command.name = fields.name;
    if (type === "ChangeCustomerAddress") command.address = { street: fields.street, city: fields.city };
    if (type === "ChangeCustomerContact") Object.assign(command, { email: fields.email || null, phone: fields.phone || null });
    if (type === "ArchiveCustomer" && fields.reason) command.reason = fields.reason;
    preview.mutate(command);
  };
  const field = (key: keyof typeof fields, label: string) => (
    <div className="min-w-0 basis-48">
      <label htmlFor={`what-if-${key}`} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <Input id={`what-if-${key}`} value={fields[key]} onChange={set(key)} autoComplete="off" />
    </div>
  );
  const result = preview.data;
  return (
    <Card className="space-y-3 p-4">
      <details>
        <summary className="cursor-pointer text-lg font-semibold">Try a command here (at v{version})</summary>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Decided against the customer as it was at version {version}; nothing is saved.
        </p>
        <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3" aria-label="Try a command">
          <div className="basis-44">
            <label htmlFor="what-if-command" className="mb-1 block text-sm font-medium">
              Command
            </label>
            <Select id="what-if-command" value={type} onChange={(e) => setType(e.target.value as CommandType)}>
              {Object.entries(COMMANDS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </div>
          {type === "RenameCustomer" ? field("name", "New name") : null}
          {type === "ChangeCustomerAddress" ? (
            <>
              {field("street", "Street")}
              {field("city", "City")}
            </>
          ) : null}
          {type === "ChangeCustomerContact" ? (
            <>
              {field("email", "Email")}
              {field("phone", "Phone")}
            </>
          ) : null}
          {type === "ArchiveCustomer" ? field("reason", "Reason") : null}
          <Button type="submit" variant="secondary" disabled={preview.isPending}>
            Try at v{version}
          </Button>
        </form>
        <div aria-live="polite" className="mt-3 space-y-3">
          {preview.isError ? <Notice tone="error">{preview.error.message}</Notice> : null}
          {result && result.version === version ? <WhatIfResult result={result} /> : null}
        </div>
      </details>
    </Card>
  );
}

function WhatIfResult({ result }: { result: WhatIfResponse }) {
  const { outcome } = result;
  return (
    <div className="space-y-3 text-sm" role="region" aria-label="What-if result">
      {outcome.ok ? (
        outcome.unchanged ? (
          <Notice tone="info">Nothing would change: the customer was already like that at v{result.version}.</Notice>
        ) : (
          <Notice tone="success">
            <p className="font-medium">Would append {outcome.events.length === 1 ? "1 event" : `${outcome.events.length} events`}:</p>
            <ul className="mt-1 list-disc pl-5">
              {outcome.events.map((e, i) => (
                <li key={i}>
                  <span className="font-mono">{e.type}</span> — {describeEvent(e).join("; ")}
                </li>
              ))}
            </ul>
          </Notice>
        )
      ) : (
        <Notice tone="warning">
          <p className="font-medium">
            Rejected by the rule <span className="font-mono">{outcome.error.code}</span>
          </p>
          <p className="mt-1">{outcome.error.message}</p>
        </Notice>
      )}
      <div>
        <p className="font-medium">
          What really happened after v{result.version}:{" "}
          {result.comparison === "same" ? "exactly this." : result.comparison === "nothing-after" ? "nothing yet (this is the latest version)." : "something else."}
        </p>
        {result.actual.events.length ? (
          <ol className="mt-1 list-none space-y-1">
            {result.actual.events.map((e) => (
              <li key={e.version}>
                <span className="font-mono">v{e.version} {e.type}</span> — {describeEvent(e).join("; ")}
              </li>
            ))}
            {result.actual.more ? <li className="text-zinc-500">… and later versions</li> : null}
          </ol>
        ) : null}
      </div>
    </div>
  );
}
