// The repository explains itself (README.md, BENCHMARKS.md, docs/): every citation of a doc
// section from code or docs lands on a heading that exists, every file a doc names exists, and
// nothing points at notes outside the repository. Plain file reads, no database.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(".");
const SELF = "test/docs.test.ts";
const CODE_DIRS = ["src", "test", "bench", "drizzle", "scripts"];
const ROOT_FILES = [
  "README.md",
  "BENCHMARKS.md",
  "vitest.config.ts",
  "vitest.worker.config.ts",
  "drizzle.config.ts",
  "eslint.config.js",
  "wrangler.toml",
  ".ci/run",
];
/** What the checks read: code, migrations, configuration and docs (not drizzle's JSON snapshots). */
const TEXT = new Set([".ts", ".tsx", ".js", ".sql", ".toml", ".md", ""]);

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return walk(path);
    return TEXT.has(extname(e.name)) ? [path] : [];
  });
}

/**
 * Every text file the checks read, as paths relative to the root. Not this file: its comments and
 * patterns spell out what it looks for.
 */
const FILES = [...CODE_DIRS, "docs"]
  .flatMap(walk)
  .concat(ROOT_FILES.filter((p) => existsSync(join(ROOT, p))))
  .filter((p) => p !== SELF);
const MARKDOWN = FILES.filter((p) => p.endsWith(".md"));

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): [number, string][] {
  let fenced = false;
  const out: [number, string][] = [];
  text.split("\n").forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) out.push([i + 1, line]);
  });
  return out;
}

/**
 * GitHub's anchor for a heading (github-slugger over the rendered text): markup dropped,
 * lowercase, every character that is not a letter, mark, digit, connector, space or hyphen
 * removed (Chinese characters are letters, so they stay), each space a hyphen.
 */
function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

interface Heading {
  text: string;
  anchor: string;
}

/**
 * Markdown's headings (outside fenced code) with their anchors. A repeated anchor gets -1, -2, …
 * as github-slugger gives them: the next number whose anchor is not taken yet.
 */
function headingsOf(markdown: string): Heading[] {
  const occurrences = new Map<string, number>();
  const out: Heading[] = [];
  for (const [, line] of proseLines(markdown)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m) continue;
    const text = m[1] ?? "";
    const base = githubSlug(text);
    let anchor = base;
    while (occurrences.has(anchor)) {
      const n = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, n);
      anchor = `${base}-${n}`;
    }
    occurrences.set(anchor, 0);
    out.push({ text: text.replace(/`/g, ""), anchor });
  }
  return out;
}

const headingCache = new Map<string, Heading[]>();

function headings(path: string): Heading[] {
  const found = headingCache.get(path) ?? headingsOf(read(path));
  headingCache.set(path, found);
  return found;
}

const hasAnchor = (path: string, anchor: string) => headings(path).some((h) => h.anchor === decodeURIComponent(anchor));

/** What is wrong with a reference to `path` (relative to the root) and its optional anchor, if anything. */
function brokenTarget(path: string, anchor: string | undefined): string | undefined {
  if (!existsSync(join(ROOT, path))) return `no file ${path}`;
  if (anchor !== undefined && path.endsWith(".md") && !hasAnchor(path, anchor)) return `no heading #${anchor} in ${path}`;
  return undefined;
}

describe("GitHub anchors", () => {
  it("lowercases, drops punctuation and turns spaces into hyphens", () => {
    expect(githubSlug("Fencing: a stalled holder cannot write")).toBe("fencing-a-stalled-holder-cannot-write");
    expect(githubSlug("Example: create a team and bind it")).toBe("example-create-a-team-and-bind-it");
    expect(githubSlug("user/list_id")).toBe("userlist_id");
    expect(githubSlug("Control API (`/_emulator`, JSON)")).toBe("control-api-_emulator-json");
  });

  it("numbers repeated headings and skips fenced code", () => {
    const md = "# A\n## Current\n```sh\n# not a heading\n```\n### Current\n## Current-1\n## Current";
    expect(headingsOf(md).map((h) => h.anchor)).toEqual(["a", "current", "current-1", "current-1-1", "current-2"]);
  });

  it("keeps Chinese characters", () => {
    expect(githubSlug("授权、邀请与匹配 Authorize, invite, match")).toBe("授权邀请与匹配-authorize-invite-match");
    expect(githubSlug("与 Node 的区别 What differs from Node")).toBe("与-node-的区别-what-differs-from-node");
  });
});

describe("citations of doc sections", () => {
  // `docs/<file>.md#<anchor>` anywhere, and `BENCHMARKS.md#<anchor>`; both relative to the root.
  // Not preceded by a path character, so a markdown link's `../docs/…` is left to the link check.
  const ANCHORED = /(?<![\w./-])(docs\/[\w-]+\.md|BENCHMARKS\.md)(?:#([\p{L}\p{N}_-]+))?/gu;
  // `BENCHMARKS.md, <heading>`: a benchmark cited by its heading's text, as BENCHMARKS.md says
  // comments do (its sections are named after the benchmarks: `import`, `import-changes`, …).
  const BY_NAME = /(?<![\w./-])BENCHMARKS\.md, /g;

  it("name a file and heading that exist", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of FILES) {
      for (const m of read(file).matchAll(ANCHORED)) {
        checked++;
        const problem = brokenTarget(m[1] ?? "", m[2]);
        if (problem) broken.push(`${file}: ${m[0]} (${problem})`);
      }
    }
    expect(broken).toEqual([]);
    // Hundreds today: far fewer means the pattern stopped matching, not that all is well.
    expect(checked).toBeGreaterThan(300);
  });

  it("of a benchmark by its name name one that exists", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of FILES) {
      const text = read(file);
      for (const m of text.matchAll(BY_NAME)) {
        checked++;
        // The cited text, with line breaks and comment leaders folded into spaces.
        const after = text
          .slice(m.index + m[0].length, m.index + m[0].length + 120)
          .replace(/\s*\n\s*(\*|\/\/|--|#)?\s*/g, " ")
          .toLowerCase();
        if (!headings("BENCHMARKS.md").some((h) => after.startsWith(h.text.toLowerCase())))
          broken.push(`${file}: ${m[0]}${after.slice(0, 40)}… (no such heading in BENCHMARKS.md)`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});

describe("markdown", () => {
  it("relative links point to files and headings that exist", () => {
    const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
    const broken: string[] = [];
    let checked = 0;
    for (const file of MARKDOWN) {
      for (const [n, line] of proseLines(read(file))) {
        for (const m of line.matchAll(LINK)) {
          const href = m[1] ?? "";
          if (/^[a-z]+:/i.test(href)) continue;
          checked++;
          const [path, anchor] = href.split("#", 2) as [string, string | undefined];
          const target = path === "" ? file : relative(ROOT, resolve(ROOT, dirname(file), path));
          const problem = brokenTarget(target, anchor);
          if (problem) broken.push(`${file}:${n}: (${href}) ${problem}`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("files and directories named in backticks exist", () => {
    // Only tokens that are plainly paths of this repository: under one of its top directories,
    // nothing but path characters (so no globs like `bench/*.ts` or placeholders like `src/services/<area>/`).
    const PATH = /`((?:src|test|bench|drizzle|scripts)\/[\w./-]*)`/g;
    const missing: string[] = [];
    let checked = 0;
    for (const file of MARKDOWN) {
      for (const [n, line] of proseLines(read(file))) {
        for (const m of line.matchAll(PATH)) {
          checked++;
          const path = m[1] ?? "";
          const full = join(ROOT, path);
          const ok = path.endsWith("/") ? existsSync(full) && statSync(full).isDirectory() : existsSync(full);
          if (!ok) missing.push(`${file}:${n}: ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("README shows the quick start and the test command", () => {
    const readme = read("README.md");
    const quickStart = /## [^\n]*Quick start\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = quickStart.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim());
    expect(commands).toContain("npm install && npm run demo");
    expect(commands).toContain("npm test");
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(["demo", "test"]));
  });
});

describe("code", () => {
  it("files it names exist", () => {
    // A path from the root ending in a file extension; relative imports never start with these.
    const PATH = /(?<![\w./-])((?:src|test|bench|drizzle|scripts)\/[\w./-]*\.(?:tsx?|js|sql|md|json))\b/g;
    const missing: string[] = [];
    let checked = 0;
    for (const file of FILES.filter((p) => !p.endsWith(".md"))) {
      for (const m of read(file).matchAll(PATH)) {
        checked++;
        const path = m[1] ?? "";
        if (!existsSync(join(ROOT, path))) missing.push(`${file}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it("names markdown by its path from the root", () => {
    // `sync.md#brakes` in a comment would escape the checks above; the root's own files are fine.
    const BARE = /(?<![\w./-])([\w-]+\.md)\b/g;
    const unknown: string[] = [];
    for (const file of FILES.filter((p) => !p.endsWith(".md"))) {
      for (const m of read(file).matchAll(BARE)) {
        const name = m[1] ?? "";
        if (!existsSync(join(ROOT, name))) unknown.push(`${file}: ${name} (no such file at the root; a doc is docs/${name})`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe("references outside the repository", () => {
  // Notes that are not part of the repository, and numbered pointers into them or into an issue
  // tracker: a reader of this repository cannot follow any of them. Cite docs/<file>.md#<heading>.
  const FORBIDDEN: [string, RegExp][] = [
    ["the shared notes", /\.\.\/shared/],
    ["a design note", /\bdesign\.md\b|\bdesign §/i],
    ["the WeCom reference note", /wecom-reference/i],
    ["a section number", /§\s*\d/],
    ["an issue number", /\bissues?\s*#?\d+/i],
    ["a rule number", /\brules?\s*#?\d+/i],
  ];
  // docs/observations.md numbers its own rules ("## The rule: a later observation always wins",
  // items 1–8) and refers to them by number within the file; from anywhere else, cite the heading.
  const OWN_NUMBERED_RULES = new Set(["docs/observations.md"]);

  it("are not made", () => {
    const found: string[] = [];
    for (const file of FILES) {
      read(file)
        .split("\n")
        .forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN) {
            if (what === "a rule number" && OWN_NUMBERED_RULES.has(file)) continue;
            if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
          }
        });
    }
    expect(found).toEqual([]);
  });
});
