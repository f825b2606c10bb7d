// All mutable emulator state in one place. Control-API resets rebuild it; tests may read it
// directly (emulator.state) but should drive changes through the control API.
import { randomBytes } from "node:crypto";
import { ConfigError, normalizeApp, normalizeContactSync, type AppInput } from "./apps";
import { CallLog } from "./call-log";
import { DEFAULT_CORP_ID, DEFAULT_ORG, DEFAULT_TOKEN_TTL_SECONDS, defaultApps, defaultContactSync } from "./defaults";
import { FaultQueue } from "./faults";
import { buildOrg } from "./org/load-org";
import { Org } from "./org/org";
import { RateLimiter } from "./rate-limit";
import type { AppConfig, CallbackTarget, Clock, ContactSyncConfig, OrgSpec } from "./types";
import type { Caller } from "./visibility";

export interface ResetInput {
  corpId?: string;
  org?: OrgSpec | Org;
  apps?: AppInput[];
  /** null = no contact-sync secret. */
  contactSync?: Partial<ContactSyncConfig> | null;
  tokenTtlSeconds?: number;
  callback?: CallbackTarget | null;
}

interface TokenRecord {
  /** undefined = contact-sync token. */
  agentId: number | undefined;
  expiresAtMs: number;
}

export interface OAuthCode {
  issuedAtMs: number;
  userid?: string;
  openid?: string;
  agentId?: number;
  scope: string;
  redirectUri: string;
  /** "sso" = web login (docs/wecom.md#oauth-and-web-login), which never yields a user_ticket. */
  via: "oauth2" | "sso";
}

export interface ChatLine {
  at: string;
  from: string;
  content: string;
  msgId: string;
}

export interface CardRecord {
  agentId: number;
  taskId: string;
  cardType: string;
  /** Lower-cased userids the card reached. */
  recipients: Set<string>;
  keys: string[];
}

export interface ResponseCodeRecord {
  agentId: number;
  taskId: string;
  issuedAtMs: number;
  used: boolean;
}

export interface InboxMessage {
  id: number;
  at: string;
  /** "message/send" or "message/update_template_card". */
  api: string;
  agentId: number;
  /** touser as requested, split on "|" (update_template_card: userids). */
  touser: string[];
  toparty: string[];
  totag: string[];
  msgtype: string;
  /** The full JSON request body. */
  body: unknown;
  /** Lower-cased, as WeCom answers them (docs/wecom.md#messages-and-cards). */
  invaliduser: string[];
  invalidparty: string[];
  invalidtag: string[];
  /** Userids (original case) the message reached. */
  recipients: string[];
  msgid?: string;
  responseCode?: string;
}

export interface CallbackDelivery {
  status?: number;
  body?: string;
  error?: string;
}

export interface CallbackRecord {
  id: number;
  at: string;
  kind: string;
  xml: string;
  outcome: "sent" | "dropped" | "no-target";
  deliveries: CallbackDelivery[];
}

/** Response codes live 72 h (docs/wecom.md#messages-and-cards), OAuth codes 5 min, user tickets 1800 s (docs/wecom.md#oauth-and-web-login). */
export const RESPONSE_CODE_TTL_MS = 72 * 3600_000;
export const OAUTH_CODE_TTL_MS = 5 * 60_000;
export const USER_TICKET_TTL_MS = 1800_000;

export class EmulatorState {
  corpId = DEFAULT_CORP_ID;
  org: Org = new Org();
  apps = new Map<number, AppConfig>();
  contactSync: ContactSyncConfig | undefined;
  tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
  readonly calls = new CallLog();
  readonly faults = new FaultQueue();
  readonly rateLimits = new RateLimiter();
  tokens = new Map<string, TokenRecord>();
  oauthCodes = new Map<string, OAuthCode>();
  userTickets = new Map<string, { userid: string; agentId: number; expiresAtMs: number }>();
  /** Who is "signed in to WeCom" for OAuth (set via the control API or the sign-in page). */
  signedIn: { userid: string } | { openid: string } | undefined;
  messages: InboxMessage[] = [];
  /** What members typed to the app (the chat page shows it beside the replies). */
  chatLog: ChatLine[] = [];
  cards = new Map<string, CardRecord>();
  responseCodes = new Map<string, ResponseCodeRecord>();
  callbackTarget: CallbackTarget | undefined;
  callbackFaults = { drop: 0, duplicate: 0 };
  callbackLog: CallbackRecord[] = [];
  private seq = 0;
  private msgIdBase = 0n;

  constructor(
    readonly clock: Clock,
    readonly fetchCallback: typeof fetch,
    init: ResetInput = {},
  ) {
    this.reset(init);
  }

  reset(input: ResetInput = {}): void {
    // Validate everything first so a bad reset leaves the old state intact.
    if (input.apps !== undefined && !Array.isArray(input.apps)) throw new ConfigError("apps must be a list");
    const apps = (input.apps ?? defaultApps()).map((a) => normalizeApp(a));
    if (apps.length === 0) throw new ConfigError("at least one app is required");
    if (new Set(apps.map((a) => a.agentId)).size !== apps.length) throw new ConfigError("agentIds must be unique");
    const ttl = input.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1) throw new ConfigError("tokenTtlSeconds must be a positive integer");
    const org = input.org instanceof Org ? input.org : buildOrg(input.org ?? { generate: DEFAULT_ORG });
    const contactSync =
      input.contactSync === null ? undefined : input.contactSync ? normalizeContactSync(input.contactSync) : defaultContactSync();

    this.corpId = input.corpId ?? DEFAULT_CORP_ID;
    this.org = org;
    this.apps = new Map(apps.map((a) => [a.agentId, a]));
    this.contactSync = contactSync;
    this.tokenTtlSeconds = ttl;
    this.calls.clear();
    this.faults.clear();
    this.rateLimits.clear();
    this.tokens.clear();
    this.oauthCodes.clear();
    this.userTickets.clear();
    this.signedIn = undefined;
    this.messages = [];
    this.chatLog = [];
    this.cards.clear();
    this.responseCodes.clear();
    this.callbackTarget = input.callback ?? undefined;
    this.callbackFaults = { drop: 0, duplicate: 0 };
    this.callbackLog = [];
    // MsgIds are 64-bit and beyond 2^53 (docs/wecom.md#conventions).
    this.msgIdBase = (1n << 62n) + BigInt(`0x${randomBytes(5).toString("hex")}`) * 1000n;
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  /** The history of an earlier run (snapshot.ts); new message ids continue after its last. */
  restoreHistory(h: { messages: InboxMessage[]; chatLog: ChatLine[]; cards: CardRecord[] }): void {
    this.messages = h.messages;
    this.chatLog = h.chatLog;
    this.cards = new Map(h.cards.map((c) => [`${c.agentId}:${c.taskId}`, c]));
    this.seq = h.messages.reduce((max, m) => Math.max(max, m.id), this.seq);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  nextMsgId(): string {
    this.msgIdBase += 1n;
    return this.msgIdBase.toString();
  }

  putApp(app: AppConfig): void {
    // Replace, never mutate: visibility caches key on the object (visibility.ts).
    this.apps.set(app.agentId, app);
  }

  issueToken(agentId: number | undefined): { token: string; expiresIn: number } {
    const now = this.nowMs();
    if (this.tokens.size > 10_000) for (const [t, r] of this.tokens) if (r.expiresAtMs <= now) this.tokens.delete(t);
    const token = randomBytes(48).toString("base64url");
    this.tokens.set(token, { agentId, expiresAtMs: now + this.tokenTtlSeconds * 1000 });
    return { token, expiresIn: this.tokenTtlSeconds };
  }

  /** Forced expiry: every existing token answers 42001 from now on. */
  expireAllTokens(): number {
    for (const r of this.tokens.values()) r.expiresAtMs = Number.NEGATIVE_INFINITY;
    return this.tokens.size;
  }

  /** docs/wecom.md#access-token: missing → 41001, unknown/garbled → 40014, expired → 42001. */
  authenticate(token: string | undefined): Caller | number {
    if (token === undefined || token === "") return 41001;
    const r = this.tokens.get(token);
    if (!r) return 40014;
    if (r.expiresAtMs <= this.nowMs()) return 42001;
    if (r.agentId === undefined) return this.contactSync ? { kind: "sync", newIp: this.contactSync.newIp } : 40014;
    const app = this.apps.get(r.agentId);
    return app ? { kind: "app", app } : 40014;
  }

  summary(): Record<string, unknown> {
    return {
      corpId: this.corpId,
      apps: [...this.apps.values()],
      contactSync: this.contactSync ?? null,
      tokenTtlSeconds: this.tokenTtlSeconds,
      counts: { departments: this.org.departments.size, users: this.org.users.size },
      callback: this.callbackTarget ?? null,
      callbackFaults: this.callbackFaults,
      signedIn: this.signedIn ?? null,
      rateLimits: this.rateLimits.list(),
      faults: this.faults.pending(),
      messages: this.messages.length,
    };
  }
}
