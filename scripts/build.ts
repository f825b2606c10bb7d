// `npm run build`: bundles the Node entry into dist/node.js, which `npm start` runs with plain
// `node`. Under tsx a loader thread with its own V8 heap stays resident for the life of the
// process (BENCHMARKS.md, import: 176 MiB vs 91 MiB right after start-up).
// Only src/ is bundled (--packages=external): node_modules stay where they are, so PGlite still
// finds its .wasm/.data files beside its own package. drizzle/ is not copied either; open-db.ts
// finds it by walking up from dist/.
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type BuildResult } from "esbuild";

/** The package root: this file always sits in scripts/, one level down. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const OUTFILE = fileURLToPath(new URL("../dist/node.js", import.meta.url));

export function buildNode(opts: { quiet?: boolean } = {}): Promise<BuildResult> {
  return build({
    absWorkingDir: ROOT,
    entryPoints: ["src/entry/node.ts"],
    outfile: OUTFILE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: opts.quiet ? "warning" : "info",
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await buildNode();
