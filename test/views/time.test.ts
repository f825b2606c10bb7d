import { describe, expect, it } from "vitest";
import { formatTime } from "../../src/views/time";

describe("formatTime", () => {
  it("shows the instant in the configured zone, with the zone named", () => {
    const at = "2026-12-06T10:00:30.000Z";
    expect(formatTime(at, "Asia/Shanghai")).toBe("2026-12-06 18:00 (Asia/Shanghai)");
    expect(formatTime(at, "UTC", { seconds: true })).toBe("2026-12-06 10:00:30 (UTC)");
    // Across a date line and a daylight-saving offset.
    expect(formatTime("2026-07-01T23:30:00Z", "Asia/Shanghai")).toBe("2026-07-02 07:30 (Asia/Shanghai)");
    expect(formatTime("2026-07-01T12:00:00Z", "America/New_York")).toBe("2026-07-01 08:00 (America/New_York)");
    expect(formatTime(new Date("2026-01-01T00:05:00Z"), "Asia/Shanghai")).toBe("2026-01-01 08:05 (Asia/Shanghai)");
  });
});
