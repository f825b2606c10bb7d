import { relative } from "node:path";
import { buildNode, OUTFILE } from "../../scripts/build";

/**
 * The service as `npm start` runs it: src/entry/node.ts bundled into dist/node.js and run by plain
 * Node. BENCH_SERVICE_TSX=1 measures the sources under the tsx loader instead (as `npm run dev`
 * runs them), which holds a second V8 heap for the loader (BENCHMARKS.md, import: memory).
 */
export async function serviceScript(root: string): Promise<{ script: string; label: string }> {
  if (process.env.BENCH_SERVICE_TSX === "1")
    return { script: "src/entry/node.ts", label: "node --import tsx src/entry/node.ts (BENCH_SERVICE_TSX=1)" };
  // Built once per process: every service a benchmark starts (one per size in import-scale) runs
  // the same sources, even when they are edited meanwhile.
  await (built ??= buildNode({ quiet: true }));
  const script = relative(root, OUTFILE);
  return { script, label: `node ${script} (npm run build, as npm start)` };
}

let built: Promise<unknown> | undefined;
