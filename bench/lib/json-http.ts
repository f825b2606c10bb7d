/** A JSON request to the service or the emulator; any status outside `expect` (default 2xx) throws. */
export async function jsonRequest<T>(
  base: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; expect?: (status: number) => boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = o.body === undefined ? {} : { "content-type": "application/json" };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const res = await fetch(new URL(path, base), { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  const ok = o.expect ? o.expect(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 400)}`);
  return (text === "" ? undefined : JSON.parse(text)) as T;
}
