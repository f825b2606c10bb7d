/** Who asked for a verb; recorded with every effect and used for authorization. */
export type Actor =
  | { kind: "operator" }
  | { kind: "callback"; teamId: number }
  | { kind: "system"; reason: string };
