import { lookup } from "node:dns/promises";
import type { ResolveHost } from "../deps";

/** The system resolver (getaddrinfo, /etc/hosts included): the addresses Node's fetch would connect to. */
export const nodeResolveHost: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
