/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM through file URLs; bundling it breaks at run time (STACK.md trap 1).
  serverExternalPackages: ["@electric-sql/pglite"],
  // Lets a second build (e2e on another database, a helper's check) use its own output folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  agentRules: false,
  poweredByHeader: false,
  // No gzip in the Node process: it was 8% of a list page's server CPU (bench: list-page), and the
  // one Node thread serving pages is what queues under concurrent requests. Pages are a few tens
  // of kB; put a compressing reverse proxy in front when serving over slow links.
  compress: false,
};
export default nextConfig;
