/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM through file URLs; bundling it breaks at run time (STACK.md trap 1).
  // prom-client: one copy, so that every route and instrumentation share one registry.
  // The OpenTelemetry SDK is Node-only (exporters, gRPC) and started once, in instrumentation.ts.
  // The server-side libraries (Drizzle, postgres.js, Better Auth, NATS, zod, uuid) are loaded from
  // node_modules, once per process: bundled, each route handler's chunk carried its own 870 kB
  // copy of them (13 such copies were loaded in a server under the bench's load), 17 MB of
  // resident memory at idle (bench memory; docs/performance.md).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "prom-client",
    "@opentelemetry/sdk-node",
    "@opentelemetry/sdk-trace",
    "drizzle-orm",
    "postgres",
    "better-auth",
    "@better-auth/api-key",
    "@nats-io/jetstream",
    "@nats-io/transport-node",
    "zod",
    "uuid",
  ],
  // Lets a second build (e2e on another database, a helper's check) use its own output folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  agentRules: false,
  poweredByHeader: false,
  // Browsers still ask for /favicon.ico on some documents (a 404 page, a page replaced mid-load);
  // answer with the app's one icon rather than a 404 in the console.
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/icon.svg" }];
  },
  // No gzip in the Node process: it was 8% of a list page's server CPU (bench: list-page), and the
  // one Node thread serving pages is what queues under concurrent requests. Pages are a few tens
  // of kB; put a compressing reverse proxy in front when serving over slow links.
  compress: false,
  // forbidden() answers a page a role may not see with 403 and app/forbidden.tsx.
  experimental: {
    authInterrupts: true,
    // Server actions keep Next's own Origin check; behind a proxy that rewrites Host, the public
    // origin (APP_ORIGIN) must be allowed explicitly.
    serverActions: { allowedOrigins: process.env.APP_ORIGIN ? [new URL(process.env.APP_ORIGIN).host] : [] },
  },
};
export default nextConfig;
