import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBucket, addressThrottleKey } from "../../../src/services/accounts/login-throttle";
import type { TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, PASSWORD } from "./helpers";

describe("addressBucket", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
  ])("%s → %s", (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });

  it("puts every address of one IPv6 /64 in one bucket", () => {
    expect(addressThrottleKey("2001:db8:1:2::a")).toBe(addressThrottleKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(addressThrottleKey("2001:db8:1:2::a")).not.toBe(addressThrottleKey("2001:db8:1:3::a"));
  });
});

describe("login throttling under concurrency", () => {
  let opened: Awaited<ReturnType<typeof openTestDb>>;
  let deps: TestDeps;

  beforeAll(async () => {
    opened = await openTestDb();
    deps = accountDeps(opened.db);
  });
  afterAll(async () => opened.close());

  it("lets at most 5 of 30 parallel guesses reach the password check", async () => {
    const api = client(deps);
    await api.register({ username: "parallel", password: PASSWORD, name: "p" });
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) =>
        api.json("POST", "/api/session", { username: "parallel", password: `guess number ${i}` }, {}),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });
});
