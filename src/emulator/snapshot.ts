// What a long-lived emulator (the demo's) keeps across restarts: the org with every change made
// to it, the messages the app sent, what members typed, and the cards they may still click.
// Tokens, OAuth codes, faults and the call log start fresh: they live minutes, not runs.
import { loadOrg } from "./org/load-org";
import type { Org } from "./org/org";
import type { CardRecord, ChatLine, EmulatorState, InboxMessage } from "./state";
import type { DepartmentInput, UserInput } from "./types";

export interface EmulatorSnapshot {
  version: 1;
  corpId: string;
  org: { departments: DepartmentInput[]; users: UserInput[] };
  messages: InboxMessage[];
  chatLog: ChatLine[];
  cards: (Omit<CardRecord, "recipients"> & { recipients: string[] })[];
}

export function takeSnapshot(state: EmulatorState): EmulatorSnapshot {
  return {
    version: 1,
    corpId: state.corpId,
    org: state.org.toJSON(),
    messages: state.messages,
    chatLog: state.chatLog,
    cards: [...state.cards.values()].map((c) => ({ ...c, recipients: [...c.recipients] })),
  };
}

/** The org of a snapshot (throws OrgInputError on a damaged one), to create the emulator with. */
export function snapshotOrg(snapshot: EmulatorSnapshot): Org {
  if (snapshot.version !== 1) throw new Error(`unknown emulator snapshot version ${String(snapshot.version)}`);
  return loadOrg(snapshot.org);
}

/** Puts a snapshot's history back into an emulator created with its org. */
export function restoreHistory(state: EmulatorState, snapshot: EmulatorSnapshot): void {
  state.restoreHistory({
    messages: snapshot.messages,
    chatLog: snapshot.chatLog,
    cards: snapshot.cards.map((c) => ({ ...c, recipients: new Set(c.recipients) })),
  });
}
