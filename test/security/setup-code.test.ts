import { describe, expect, it } from "vitest";
import { newSetupCode, normalizeSetupCode, setupCodeHash } from "../../src/security/setup-code";

describe("setup codes", () => {
  it("are 16 Crockford base32 characters in groups of four, and differ every time", () => {
    const codes = Array.from({ length: 200 }, () => newSetupCode());
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every symbol turns up: the 80 bits are spread over the whole alphabet.
    expect(new Set(codes.join("").replace(/-/g, "")).size).toBe(32);
  });

  it("read as typed: case, spaces, hyphens and the look-alike letters do not matter; anything else is no code", () => {
    expect(normalizeSetupCode("7k3m q9xa-2b8c-df4g")).toBe("7K3MQ9XA2B8CDF4G");
    expect(normalizeSetupCode("O1IL-0000-0000-0000")).toBe("0111000000000000");
    for (const bad of ["", "7K3M-Q9XA-2B8C", "7K3M-Q9XA-2B8C-DF4G-0", "7K3M-Q9XA-2B8C-DF4U", "7K3M-Q9XA-2B8C-DF4!"])
      expect(normalizeSetupCode(bad)).toBeNull();
  });

  it("are stored as a hash that is not the code", () => {
    const hash = setupCodeHash("7K3MQ9XA2B8CDF4G");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("7K3M");
    expect(setupCodeHash("7K3MQ9XA2B8CDF4H")).not.toBe(hash);
  });
});
