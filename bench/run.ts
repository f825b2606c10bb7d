// Runs the benchmarks in bench/ (every top-level .ts file but this one; helpers live in
// bench/lib/), one after another. `npm run bench [filter]` runs the one named filter, or else those
// whose name contains it.
// Each benchmark exports `run(): Promise<boolean>`: false when something failed or was lost,
// never for a missed performance goal (benchmarks are not timed assertions).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface Benchmark {
  run(): Promise<boolean>;
}

const dir = fileURLToPath(new URL(".", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -".ts".length))
  .sort();
const filter = process.argv[2];
// A filter that names a benchmark runs just that one (`import`, not also import-changes and
// import-scale); any other filter runs every benchmark whose name contains it.
const selected = !filter ? names : names.includes(filter) ? [filter] : names.filter((n) => n.includes(filter));

if (selected.length === 0) {
  console.error(`No benchmark matches "${filter}". Available: ${names.join(", ") || "(none)"}`);
  process.exitCode = 2;
} else {
  const failed: string[] = [];
  for (const name of selected) {
    console.log(`\n## ${name}\n`);
    const bench = (await import(`./${name}.ts`)) as Partial<Benchmark>;
    if (typeof bench.run !== "function") {
      console.error(`bench/${name}.ts exports no run()`);
      failed.push(name);
      continue;
    }
    if (!(await bench.run())) failed.push(name);
  }
  if (failed.length > 0) console.error(`\nFailed: ${failed.join(", ")}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}
