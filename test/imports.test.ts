import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** What a file imports at run time: relative imports and re-exports, without type-only ones (erased). */
function runtimeImports(file: string, known: Set<string>): string[] {
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
      if (!onlyTypes) specifier = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      specifier = st.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
    const base = resolve(dirname(file), specifier.text);
    const target = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")].find((c) => known.has(c));
    if (target) out.push(target);
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
});
