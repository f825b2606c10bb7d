/**
 * docs/sync.md#brakes: a run deprovisioning more than max(3, 20 % of active members), or more than 500,
 * stops for an admin's decision.
 */
export function breakerThreshold(activeMembers: number): number {
  return Math.min(500, Math.max(3, Math.floor(0.2 * activeMembers)));
}

/** Why a run must deprovision nobody at all, or null when its listing can be trusted. */
export function untrustedListing(p: { partial: boolean; seenMembers: number; lastGoodListingSize: number | null }): string | null {
  if (p.partial) return "partial_listing";
  if (p.seenMembers === 0) return "empty_listing";
  // A shrunk visibility range looks exactly like a mass deletion (docs/wecom.md#visibility).
  if (p.lastGoodListingSize !== null && p.lastGoodListingSize > 0 && p.seenMembers * 2 <= p.lastGoodListingSize) return "listing_shrank";
  return null;
}
