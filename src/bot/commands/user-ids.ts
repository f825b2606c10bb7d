/** Userids as typed in chat: separated by spaces, commas or 、；, each at most 64 characters (WeCom's limit). */
export function splitUserIds(args: string[]): string[] {
  const out = new Map<string, string>();
  for (const a of args) {
    for (const id of a.split(/[,，、;；]+/u)) {
      const u = id.trim();
      if (u !== "" && u.length <= 64 && !out.has(u.toLowerCase())) out.set(u.toLowerCase(), u);
    }
  }
  return [...out.values()];
}
