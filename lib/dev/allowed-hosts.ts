import { hostname, networkInterfaces } from "node:os";
import { ApiError } from "../api/errors.ts";

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** True for an address only this machine can reach. */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The host names a local server bound to `host` answers to: the loopback names, the bound address,
 * and for a wildcard bind (`0.0.0.0`, `::`) every address of this machine and its host name.
 */
export function allowedHostNames(host: string): ReadonlySet<string> {
  const names = new Set([...LOOPBACK, host.toLowerCase()]);
  if (WILDCARD.has(host)) {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces()))
      for (const { address } of addresses ?? []) names.add(address.toLowerCase());
  }
  return names;
}

/** `Host` or an origin's host without port and brackets, lowercased; undefined when it does not parse. */
const hostOf = (authority: string): { name: string; port: string } | undefined => {
  try {
    const url = new URL(`http://${authority}`);
    return { name: url.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: url.port || "80" };
  } catch {
    return undefined;
  }
};

/**
 * Why a request to a local server on `port` is refused, or undefined: a `Host` that is not one of
 * `names` (a page on another site that made its own name resolve to 127.0.0.1: DNS rebinding), or an
 * `Origin` that is not this server (a page on another site, another local port included, posting to
 * it: CSRF). A request without `Origin` (curl, the SDKs, scripts) is not cross-site.
 */
export function foreignRequest(
  headers: { readonly host?: string | undefined; readonly origin?: string | undefined },
  names: ReadonlySet<string>,
  port: number,
): ApiError | undefined {
  const host = hostOf(headers.host ?? "");
  if (!host || !names.has(host.name)) {
    return new ApiError(
      403,
      "FORBIDDEN_HOST",
      `Host ${JSON.stringify(headers.host ?? "")} is not this server: call it as http://localhost:${port} or http://127.0.0.1:${port} (or the address given to --host)`,
    );
  }
  if (headers.origin === undefined) return undefined;
  const origin = /^https?:\/\/([^/]+)$/i.exec(headers.origin)?.[1];
  const from = origin === undefined ? undefined : hostOf(origin);
  if (!from || !names.has(from.name) || from.port !== String(port)) {
    return new ApiError(
      403,
      "FORBIDDEN_ORIGIN",
      `requests from the web page at ${JSON.stringify(headers.origin)} are refused: only this server's own pages (http://localhost:${port}) may call it from a browser`,
    );
  }
  return undefined;
}
