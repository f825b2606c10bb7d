import { describe, expect, it } from "vitest";
import { defineCommand, noArgs, type BotCommand } from "../../src/bot/command";
import { COMMAND_INDEX, COMMANDS, validateCommandTable } from "../../src/bot/commands";
import { parseLine, words } from "../../src/bot/parse";

const fake = (name: string, aliases: string[]): BotCommand =>
  defineCommand<null, Record<string, never>>({
    name,
    aliases,
    usage: { zh: "", en: "" },
    summary: { zh: name, en: name },
    adminOnly: false,
    parse: noArgs,
    run: () => Promise.resolve({}),
    render: () => name,
  });

describe("command table", () => {
  it("the bot's table is valid: every name and alias maps to its command", () => {
    expect(COMMAND_INDEX.size).toBe(COMMANDS.reduce((n, c) => n + 1 + c.aliases.length, 0));
    for (const c of COMMANDS) for (const w of [c.name, ...c.aliases]) expect(COMMAND_INDEX.get(w.toLowerCase())).toBe(c);
  });

  it.each([
    ["a name twice", [fake("sync", ["同步"]), fake("sync", ["同步二"])], /"sync" names both sync and sync/],
    [
      "an alias that is another's name, ignoring case",
      [fake("sync", ["同步"]), fake("status", ["进度", "SYNC"])],
      /"SYNC" names both sync and status/,
    ],
    ["one Chinese word twice", [fake("sync", ["同步"]), fake("import", ["同步"])], /"同步" names both/],
    ["a Chinese word that begins another", [fake("sync", ["同步"]), fake("syncall", ["同步全部"])], /"同步" begins "同步全部"/],
    ["a word with a space", [fake("sync now", ["同步"])], /is not one plain word/],
    ["a command without a Chinese word", [fake("sync", [])], /sync: no Chinese word/],
  ])("rejects %s at start-up", (_what, table, message) => {
    expect(() => validateCommandTable(table)).toThrow(message);
  });
});

describe("parsing a chat line", () => {
  it("splits on any whitespace, the ideographic space included, and drops trailing punctuation and a leading /", () => {
    expect(words("授权\u3000zhangsan  lisi。")).toEqual(["授权", "zhangsan", "lisi"]);
    expect(words("/sync!?！？，,")).toEqual(["sync"]);
    expect(words("ＳＹＮＣ")).toEqual(["SYNC"]);
    expect(words(" \u3000 。")).toEqual([]);
  });

  it("finds the command ignoring case, and the reply language from the command word", () => {
    expect(parseLine("Sync", COMMAND_INDEX)).toMatchObject({ kind: "command", word: "Sync", lang: "en", args: [] });
    expect(parseLine("同步。", COMMAND_INDEX)).toMatchObject({ kind: "command", word: "同步", lang: "zh" });
    expect(parseLine("policy 锁定", COMMAND_INDEX)).toMatchObject({ kind: "command", lang: "en", args: ["锁定"] });
    expect(parseLine("策略锁定", COMMAND_INDEX)).toMatchObject({ kind: "command", word: "策略", lang: "zh", args: ["锁定"] });
    expect(parseLine("你好", COMMAND_INDEX)).toMatchObject({ kind: "unknown", lang: "zh", word: "你好" });
    expect(parseLine("hi", COMMAND_INDEX)).toMatchObject({ kind: "unknown", lang: "en" });
    expect(parseLine("！", COMMAND_INDEX)).toMatchObject({ kind: "empty" });
  });

  it.each([
    ["授权 全部", { kind: "all" }],
    ["authorize ALL", { kind: "all" }],
    ["授权 部门 研发 一部", { kind: "department", name: "研发 一部" }],
    ["authorize dept Sales", { kind: "department", name: "Sales" }],
    ["授权 a，b、c;d a", { kind: "users", ids: ["a", "b", "c", "d"] }],
  ])("authorize arguments: %s", (line, args) => {
    const parsed = parseLine(line, COMMAND_INDEX);
    if (parsed.kind !== "command") throw new Error("not a command");
    expect(parsed.command.parse(parsed.args)).toEqual({ ok: true, args });
  });
});
