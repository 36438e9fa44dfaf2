"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";

/** What a failed sign-in says, in words, by HTTP status. */
function messageFor(status: number, retryAfter: string | null, serverMessage?: string): string {
  if (status === 401) return "The email or password is wrong.";
  if (status === 403) return serverMessage?.toLowerCase().includes("banned") ? "This account is disabled. Ask an admin to enable it." : (serverMessage ?? "Sign-in was refused.");
  if (status === 429) return `Too many attempts. Try again in ${retryAfter ?? "a few"} seconds.`;
  if (status === 400) return serverMessage ?? "Enter a valid email address and your password.";
  return "Sign-in failed. Try again in a moment.";
}

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  // Focus the error once React has drawn it (each failed try clears it first, so it runs every time).
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }),
      });
      if (response.ok) {
        router.replace(next);
        router.refresh();
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { message?: string; error?: { message?: string } };
      setError(messageFor(response.status, response.headers.get("retry-after"), body.error?.message ?? body.message));
    } catch {
      setError("The server could not be reached.");
    } finally {
      setPending(false);
    }
  }

  return (
    <Card className="p-6">
      <form onSubmit={onSubmit} className="space-y-4" noValidate={false}>
        {error ? (
          <div ref={errorRef} tabIndex={-1} role="alert" className="outline-none">
            <Notice tone="error">{error}</Notice>
          </div>
        ) : null}
        <TextField id="email" name="email" type="email" label="Email" autoComplete="username" required autoFocus />
        <TextField id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}
