import { insertInboxRows, type NewInboxRow } from "../../db/queries/inbox";
import type { Db } from "../../db/types";

/** What became of a stored callback: new and due, new and parked until the first import, or a repeat. */
export type StoreOutcome = "pending" | "waiting" | "repeat";

/**
 * Inserts in flight per database; requests arriving meanwhile wait and go in the next insert. One:
 * with two, a request arriving while a slot was free went alone, so half the inserts carried one
 * row and paid a statement and a commit for it; with one, every insert takes all that waited
 * (BENCHMARKS.md, callback-ingest: a fifth less PostgreSQL CPU per callback, no loss of throughput).
 */
const MAX_IN_FLIGHT = 1;
const MAX_BATCH = 256;

interface Waiting {
  row: NewInboxRow;
  resolve: (outcome: StoreOutcome) => void;
  reject: (err: unknown) => void;
}

interface Batcher {
  queue: Waiting[];
  inFlight: number;
}

const batchers = new WeakMap<Db, Batcher>();

function pump(db: Db, b: Batcher): void {
  while (b.inFlight < MAX_IN_FLIGHT && b.queue.length > 0) {
    const batch = b.queue.splice(0, MAX_BATCH);
    b.inFlight++;
    insertInboxRows(
      db,
      batch.map((w) => w.row),
    )
      .then((stored) => batch.forEach((w) => w.resolve(stored.get(`${w.row.teamId}:${w.row.dedupeKey}`) ?? "repeat")))
      .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
      .finally(() => {
        b.inFlight--;
        pump(db, b);
      });
  }
}

/**
 * Stores one verified callback, sharing a multi-row INSERT with callbacks that arrive while
 * earlier inserts are in flight: one commit for many under load, no added wait when idle. Each
 * caller learns whether its row was new (and whether it was parked); a failed insert fails every
 * caller in it, so nothing is acknowledged unless stored. Uniqueness stays in PostgreSQL (docs/architecture.md#coordination-lives-in-postgresql).
 */
export function storeInboxRow(db: Db, row: NewInboxRow): Promise<StoreOutcome> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = { queue: [], inFlight: 0 }));
  const stored = new Promise<StoreOutcome>((resolve, reject) => b.queue.push({ row, resolve, reject }));
  pump(db, b);
  return stored;
}
