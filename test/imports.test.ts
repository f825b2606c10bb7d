import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve("src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/**
 * What a file imports: relative imports and re-exports. At run time (`types: false`) type-only ones
 * are left out, as they are erased; a layer's rules count them too.
 */
function importsOf(file: string, known: Set<string>, { types }: { types: boolean }): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const st of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly)));
      if (types || !onlyTypes) specifier = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && (types || !st.isTypeOnly)) {
      specifier = st.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
    const base = resolve(dirname(file), specifier.text);
    const target = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")].find((c) => known.has(c));
    if (target) out.push(target);
  }
  return out;
}

const runtimeImports = (file: string, known: Set<string>) => importsOf(file, known, { types: false });

/**
 * What a directory (or file) under src must not import, type-only imports included, and the files
 * below those it may import all the same (docs/architecture.md#imports).
 */
type LayerRules = Record<string, { forbidden: string[]; except?: string[] }>;

/** Nothing below the entry imports it, the app or the emulator; nor `config.ts`: the entry builds Deps from it, the rest read `deps.config`. */
const ABOVE_ALL = ["entry", "emulator", "app.ts", "config.ts"];

const LAYERS: LayerRules = {
  "app.ts": { forbidden: ["db", "services", "bot", "callbacks", "views", "jobs", "wecom", "security", "entry", "emulator", "config.ts"] },
  routes: { forbidden: ["db", "wecom", "bot", "callbacks", "jobs", ...ABOVE_ALL] },
  callbacks: { forbidden: ["db", "wecom", "routes", "views", "jobs", ...ABOVE_ALL] },
  // The bot keeps its own tables' queries; a job state reads the same in chat as on the page (views/labels.ts).
  bot: {
    forbidden: ["db", "routes", "callbacks", "views", "jobs", ...ABOVE_ALL],
    except: ["db/queries/bot-messages.ts", "db/queries/bot-jobs.ts", "db/schema/bot.ts", "views/labels.ts"],
  },
  jobs: { forbidden: ["db", "wecom", "routes", "bot", "callbacks", "views", ...ABOVE_ALL] },
  // Services tell the bot through Deps hooks (src/deps.ts).
  services: { forbidden: ["bot", "callbacks", "routes", "jobs", "views", ...ABOVE_ALL] },
  views: { forbidden: ["db", "wecom", "bot", "callbacks", "routes", "jobs", ...ABOVE_ALL] },
  db: { forbidden: ["services", "bot", "callbacks", "routes", "jobs", "views", "wecom", "security", ...ABOVE_ALL] },
  // The WeCom client gets its token and budget storage through interfaces (src/wecom/storage.ts).
  wecom: { forbidden: ["db", "security", "services", "callbacks", "bot", "routes", "views", "jobs", ...ABOVE_ALL] },
  security: { forbidden: ["db", "wecom", "services", "callbacks", "bot", "routes", "views", "jobs", ...ABOVE_ALL] },
  // The emulator signs and encrypts what it pushes as WeCom does (docs/architecture.md#known-exceptions).
  emulator: {
    forbidden: ["db", "wecom", "security", "services", "callbacks", "bot", "routes", "views", "jobs", "entry", "app.ts", "config.ts"],
    except: ["wecom/crypto.ts"],
  },
};

/** Imports that break a rule, as "from → to" relative to `root`. */
function layerViolations(root: string, files: string[], rules: LayerRules): string[] {
  const known = new Set(files);
  const under = (file: string, dir: string) => relative(root, file) === dir || relative(root, file).startsWith(`${dir}/`);
  const out: string[] = [];
  for (const file of files) {
    for (const [layer, { forbidden, except = [] }] of Object.entries(rules)) {
      if (!under(file, layer)) continue;
      for (const target of importsOf(file, known, { types: true })) {
        if (forbidden.some((dir) => under(target, dir)) && !except.some((f) => under(target, f)))
          out.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
  }
  return out;
}

/** Every cycle a depth-first walk meets, as the files around it. */
function importCycles(files: string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, runtimeImports(f, known)]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe("src imports (docs/architecture.md#imports)", () => {
  it("has no import cycle at run time", () => {
    expect(importCycles(sourceFiles(SRC))).toEqual([]);
  });

  it("finds a cycle where there is one, and ignores type-only imports", () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-imports-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./b";\nimport type { C } from "./c";\nexport const a = b;\n');
      writeFileSync(join(dir, "b.ts"), 'export { a as b } from "./a";\n');
      writeFileSync(join(dir, "c.ts"), 'import { type A } from "./a";\nexport type C = A;\n');
      expect(importCycles(["a.ts", "b.ts", "c.ts"].map((f) => join(dir, f))).map((c) => c.map((f) => f.split("/").pop()))).toEqual([
        ["a.ts", "b.ts", "a.ts"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has no import against the layers, type-only ones included", () => {
    expect(layerViolations(SRC, sourceFiles(SRC), LAYERS)).toEqual([]);
  });

  it("finds an import against the layers, type-only ones included, and lets a layer's exceptions through", () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-layers-"));
    try {
      for (const sub of ["wecom", "db", "db/queries", "security", "services", "bot", "views"]) mkdirSync(join(dir, sub));
      writeFileSync(join(dir, "db", "types.ts"), "export type Db = object;\n");
      writeFileSync(join(dir, "security", "box.ts"), "export const box = 1;\n");
      writeFileSync(join(dir, "db", "queries", "bot-jobs.ts"), "export const watchers = 1;\n");
      writeFileSync(join(dir, "db", "queries", "teams.ts"), "export const teams = 1;\n");
      writeFileSync(
        join(dir, "bot", "report.ts"),
        'import { watchers } from "../db/queries/bot-jobs";\nimport { teams } from "../db/queries/teams";\nexport const report = watchers + teams;\n',
      );
      writeFileSync(join(dir, "views", "page.ts"), 'import type { Db } from "../db/types";\nexport type Page = Db;\n');
      writeFileSync(join(dir, "wecom", "storage.ts"), "export type Store = object;\n");
      writeFileSync(
        join(dir, "wecom", "client.ts"),
        'import type { Db } from "../db/types";\nimport { box } from "../security/box";\nimport type { Store } from "./storage";\nexport const c = [box] as unknown as [Db, Store];\n',
      );
      writeFileSync(
        join(dir, "services", "run.ts"),
        'import { report } from "../bot/report";\nimport type { Store } from "../wecom/storage";\nexport const r = report as unknown as Store;\n',
      );
      const files = [
        "db/types.ts",
        "db/queries/bot-jobs.ts",
        "db/queries/teams.ts",
        "security/box.ts",
        "bot/report.ts",
        "views/page.ts",
        "wecom/storage.ts",
        "wecom/client.ts",
        "services/run.ts",
      ].map((f) => join(dir, f));
      expect(layerViolations(dir, files, LAYERS)).toEqual([
        "bot/report.ts → db/queries/teams.ts",
        "views/page.ts → db/types.ts",
        "wecom/client.ts → db/types.ts",
        "wecom/client.ts → security/box.ts",
        "services/run.ts → bot/report.ts",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
