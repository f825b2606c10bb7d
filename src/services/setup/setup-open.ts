import { setupIsOver } from "../../db/queries/setup";
import type { Deps } from "../../deps";

/** The first-run setup page exists only while the database holds no team, and never again after. */
export async function setupOpen(deps: Deps): Promise<boolean> {
  return !(await setupIsOver(deps.db));
}
