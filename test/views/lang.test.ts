import { describe, expect, it } from "vitest";
import { pickLang } from "../../src/views/lang";

describe("pickLang (Accept-Language)", () => {
  it.each([
    [undefined, "zh"],
    ["", "zh"],
    ["fr-FR,de;q=0.8", "en"],
    ["  ", "zh"],
    ["en-US,en;q=0.9", "en"],
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh"],
    ["en;q=0.5,zh-TW;q=0.6", "zh"],
    ["zh;q=0.2, EN-gb;q=0.7", "en"],
    ["en;q=0, zh;q=0.1", "zh"],
    ["en;q=abc", "zh"],
  ])("%s → %s", (header, expected) => {
    expect(pickLang(header)).toBe(expected);
  });
});
