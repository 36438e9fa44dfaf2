/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM through file URLs; bundling it breaks at run time (STACK.md trap 1).
  serverExternalPackages: ["@electric-sql/pglite"],
  // Lets a second build (e2e on another database, a helper's check) use its own output folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  agentRules: false,
  poweredByHeader: false,
};
export default nextConfig;
