import { describe, expect, it } from "vitest";
import { createSecretBox, mask } from "../../src/security/secret-box";
import { safeEqual } from "../../src/security/constant-time";

const box = createSecretBox("an-app-secret-that-is-long-enough-1234");

describe("secret box", () => {
  it("opens what it sealed, with a fresh IV each time", () => {
    const a = box.seal("corp-secret", "binding:1:secret");
    const b = box.seal("corp-secret", "binding:1:secret");
    expect(a).not.toBe(b);
    expect(box.open(a, "binding:1:secret")).toBe("corp-secret");
  });

  it("refuses a ciphertext moved to another row or field", () => {
    const sealed = box.seal("corp-secret", "binding:1:secret");
    expect(() => box.open(sealed, "binding:2:secret")).toThrow();
    expect(() => box.open(sealed, "binding:1:token")).toThrow();
  });

  it("refuses a tampered ciphertext and another APP_SECRET's key", () => {
    const sealed = box.seal("corp-secret", "ctx");
    // A character well inside the ciphertext, so every one of its 6 bits is data.
    const i = sealed.length - 10;
    const flipped = `${sealed.slice(0, i)}${sealed[i] === "A" ? "B" : "A"}${sealed.slice(i + 1)}`;
    expect(flipped).not.toBe(sealed);
    expect(() => box.open(flipped, "ctx")).toThrow();
    expect(() => createSecretBox("another-app-secret-that-is-long-1234").open(sealed, "ctx")).toThrow();
  });

  it("masks a secret without any of its characters", () => {
    expect(mask("abcdefghijkl")).toBe("********");
    expect(mask("short")).toBe("********");
  });
});

describe("safeEqual", () => {
  it("is true only for identical strings", () => {
    expect(safeEqual("token-123", "token-123")).toBe(true);
    expect(safeEqual("token-123", "token-124")).toBe(false);
    expect(safeEqual("token-123", "token-12")).toBe(false);
    expect(safeEqual("", "x")).toBe(false);
  });
});
