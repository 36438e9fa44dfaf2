import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

export interface Reply {
  status: number;
  body: unknown;
}

export interface Route {
  method: "GET" | "POST";
  /** Matched against the path; named groups become `params`. */
  path: RegExp;
  handle(input: { params: Record<string, string>; body: unknown }): Promise<Reply>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** The `error` body of a refusal: a code and words (never a stack, never personal data). */
export const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { error: { code, message, ...extra } },
});

/** Parse `input` with `schema`, or a 400 naming each bad field by its dot path. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): { ok: true; value: T } | { ok: false; reply: Reply } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "(body)"] ??= []).push(issue.message);
  return { ok: false, reply: refuse(400, "validation_failed", "The request is not valid", { fieldErrors }) };
}

async function readJson(request: http.IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; reply: Reply }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, reply: refuse(413, "payload_too_large", `The body may be at most ${MAX_BODY_BYTES} bytes`) };
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, reply: refuse(400, "invalid_json", "The body is not valid JSON") };
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether `header` is `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/i.exec(header ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export interface JsonServerOptions {
  /** Every request must carry `Authorization: Bearer <token>` (the service token; services/shared/main.ts). */
  token: string;
  log?: Pick<Console, "error">;
}

/**
 * A small JSON HTTP server over `routes`, answering only callers that present the service token
 * (401 otherwise, before anything is read or written). Resolves once listening; `port` 0 picks a
 * free one.
 */
export async function startJsonServer(port: number, routes: readonly Route[], { token, log = console }: JsonServerOptions) {
  if (!token) throw new Error("a service's HTTP API needs a token");
  const server = http.createServer(async (request, response) => {
    let reply: Reply;
    try {
      const url = new URL(request.url ?? "/", "http://service");
      const match = routes
        .filter((route) => route.method === request.method)
        .map((route) => ({ route, found: route.path.exec(url.pathname) }))
        .find((m) => m.found);
      if (!bearerMatches(request.headers.authorization, token)) {
        reply = refuse(401, "unauthorized", "Send the service token: Authorization: Bearer <token> (SERVICE_TOKEN, or the file the service printed at start)");
      } else if (!match?.found) reply = refuse(404, "not_found", `No route ${request.method} ${url.pathname}`);
      else if (request.method === "POST" && !(request.headers["content-type"] ?? "").includes("application/json")) {
        reply = refuse(415, "unsupported_media_type", "Send JSON (content-type: application/json)");
      } else {
        const body = await readJson(request);
        reply = body.ok ? await match.route.handle({ params: { ...match.found.groups }, body: body.body }) : body.reply;
      }
    } catch (error) {
      log.error(`[http] ${request.method} ${request.url}: ${(error as Error).message}`);
      reply = refuse(500, "internal", "Something went wrong");
    }
    response.writeHead(reply.status, { "content-type": "application/json", ...(reply.status === 401 ? { "www-authenticate": "Bearer" } : {}) });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
