import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/services/access/policy";
import { AUDIT_ACTIONS } from "../../src/views/console/text";

/** Every file under a directory. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("the audit filter's actions", () => {
  it("lists every action the services write, spelled out or built from a verb", () => {
    const written = new Set<string>();
    for (const file of files("src/services")) {
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/action: "([a-z_]+\.[a-z_]+)"/g)) written.add(m[1]!);
      for (const m of source.matchAll(/"((?:member|department|job|policy)\.[a-z_]+)"/g)) written.add(m[1]!);
    }
    // Built from a verb: member.${change} (created/updated/moved), job.${decision}ed, member.${restore|unlock}.
    for (const built of [
      "member.created",
      "member.updated",
      "member.moved",
      "job.confirmed",
      "job.rejected",
      "member.restored",
      "member.unlocked",
    ])
      written.add(built);
    // The access policy's permissions look like actions ("job.cancel") but are none.
    for (const permission of PERMISSIONS) written.delete(permission);
    expect(written.size).toBeGreaterThan(15);
    for (const action of written) expect(AUDIT_ACTIONS, action).toContain(action);
  });
});
