import type { CallRecord } from "./call-log";
import type { Caller } from "./visibility";

export interface EmuEnv {
  Variables: {
    /** Set by auth.ts for every /cgi-bin API but gettoken. */
    caller: Caller;
    /** Set by gate.ts for API and OAuth routes. */
    call: CallRecord;
    /** Parsed JSON body of a POST; BAD_JSON when it didn't parse; undefined when empty. */
    body: unknown;
  };
}

export const BAD_JSON = Symbol("bad JSON");
