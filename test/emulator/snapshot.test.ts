import { describe, expect, it } from "vitest";
import { createEmulator, restoreHistory, snapshotOrg, takeSnapshot, type EmulatorSnapshot } from "../../src/emulator";
import { OrgInputError } from "../../src/emulator/org/load-org";
import { control } from "./helpers";

describe("emulator snapshots (what the demo keeps across restarts)", () => {
  it("brings back the changed org, the chat, the sent messages and the cards; new message ids continue", async () => {
    const before = createEmulator({ org: { generate: { departments: 3, users: 6, seed: 5 } } });
    const admin = before.state.org.toJSON().users[0]!.userid;
    await control(before, "POST", "/_emulator/users", { userid: "newcomer", name: "新同事", department: [1] });
    await control(before, "DELETE", `/_emulator/users/${before.state.org.toJSON().users[1]!.userid}`);
    await control(before, "POST", "/_emulator/chat", { from: admin, content: "同步" });
    before.state.messages.push({
      id: 41,
      at: "2026-01-01T00:00:00.000Z",
      api: "message/send",
      agentId: 1000002,
      touser: [admin],
      toparty: [],
      totag: [],
      msgtype: "text",
      body: { text: { content: "hi" } },
      invaliduser: [],
      invalidparty: [],
      invalidtag: [],
      recipients: [admin],
    });
    before.state.cards.set("1000002:task-1", {
      agentId: 1000002,
      taskId: "task-1",
      cardType: "button_interaction",
      recipients: new Set([admin.toLowerCase()]),
      keys: ["allow"],
    });

    const saved = JSON.parse(JSON.stringify(takeSnapshot(before.state))) as EmulatorSnapshot;
    const after = createEmulator({ org: snapshotOrg(saved), corpId: saved.corpId });
    restoreHistory(after.state, saved);

    expect(after.state.org.toJSON()).toEqual(before.state.org.toJSON());
    expect(after.state.org.users.has("newcomer")).toBe(true);
    expect(after.state.chatLog).toEqual(before.state.chatLog);
    expect(after.state.messages).toEqual(before.state.messages);
    expect(after.state.cards.get("1000002:task-1")?.recipients).toEqual(new Set([admin.toLowerCase()]));
    expect(after.state.nextSeq()).toBeGreaterThan(41);
  });

  it("refuses a snapshot of another version or with a broken org, instead of starting a different company", () => {
    const good = takeSnapshot(createEmulator({ org: { generate: { departments: 2, users: 2, seed: 1 } } }).state);
    expect(() => snapshotOrg({ ...good, version: 2 } as unknown as EmulatorSnapshot)).toThrow(/version 2/);
    expect(() => snapshotOrg({ ...good, org: { departments: [], users: [] } })).toThrow(OrgInputError);
  });
});
