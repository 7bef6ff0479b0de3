import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorResponse } from "../api/error-response.ts";
import { ApiError, badRequest, payloadTooLarge } from "../api/errors.ts";
import { apiEvent } from "../api/gateway-event.ts";
import type { ApiHandler } from "../api/handler.ts";
import type { ApiEvent, ApiResult } from "../api/http.ts";
import { allowedHostNames, foreignRequest } from "./allowed-hosts.ts";
import { webAsset } from "./web-assets.ts";

/** API Gateway's own payload limit; the API refuses far less (256 KiB) with a proper 413. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

/** Content types API Gateway (HTTP API) passes as text; any other body arrives base64-encoded. */
const TEXT_MEDIA = /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets requests in progress end, then closes idle connections. */
  stop(): Promise<void>;
}

/**
 * Serves `handler` over HTTP on `host:port` (port 0 = a free one; host default 127.0.0.1), as API Gateway (HTTP API,
 * payload 2.0, `$default` route) would: each request becomes an event with `rawPath`,
 * `rawQueryString`, lowercased headers and the body (base64 when binary), and the handler's
 * result (`statusCode`, `headers`, `body`, `isBase64Encoded`, `cookies`) becomes the reply.
 * A request whose `Host` is not this machine's, or whose `Origin` is another site, is a 403 before
 * anything runs (see `foreignRequest`: DNS rebinding, CSRF from a browser).
 */
export async function startHttpServer(options: {
  handler: ApiHandler;
  port?: number;
  host?: string;
  onError?: (error: unknown) => void;
  /** Serves the dashboard and API reference (dist/web) for paths that are not the API's. */
  webRoot?: string;
}): Promise<LocalHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const names = allowedHostNames(host);
  let port = 0;
  const server = createServer((req, res) => {
    const foreign = foreignRequest(req.headers, names, port);
    if (foreign) {
      req.resume();
      reply(res, errorResponse(foreign));
      return;
    }
    serveWebOr(req, res, options.webRoot, () => serve(req, res, options.handler)).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) reply(res, errorResponse(new ApiError(500, "INTERNAL", "internal error")));
      else res.destroy();
    });
  });
  // Long-polling clients are not expected; keep-alive sockets must not hold stop() for long.
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port ?? 0, host);
  ({ port } = server.address() as AddressInfo);
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serveWebOr(
  req: IncomingMessage,
  res: ServerResponse,
  webRoot: string | undefined,
  api: () => Promise<void>,
): Promise<void> {
  const asset =
    webRoot === undefined ? undefined : await webAsset(webRoot, req.method ?? "GET", req.url ?? "/");
  if (!asset) return api();
  req.resume();
  res.writeHead(asset.status, { ...asset.headers, "content-length": asset.body.length });
  res.end(req.method === "HEAD" ? undefined : asset.body);
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: ApiHandler): Promise<void> {
  const body = await readBody(req, GATEWAY_MAX_BYTES);
  if (body === "too-large") {
    req.resume();
    const declared = Number(req.headers["content-length"] ?? GATEWAY_MAX_BYTES + 1);
    reply(res, errorResponse(payloadTooLarge(declared, GATEWAY_MAX_BYTES)), { close: true });
    return;
  }
  let event: ApiEvent;
  try {
    event = toEvent(req, body);
  } catch (error) {
    // e.g. a path with a broken %-escape: API Gateway refuses it before any route runs.
    reply(res, errorResponse(badRequest(`malformed request: ${(error as Error).message}`)));
    return;
  }
  reply(res, await handler(event));
}

/** The API Gateway v2 event for one request. Throws URIError on a path that does not decode. */
function toEvent(req: IncomingMessage, body: Buffer | undefined): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const binary = body !== undefined && !TEXT_MEDIA.test(headers["content-type"] ?? "text/plain");
  return apiEvent({
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers,
    ...(body === undefined
      ? {}
      : binary
        ? { body: body.toString("base64"), isBase64Encoded: true }
        : { body: body.toString("utf8") }),
  });
}

function reply(res: ServerResponse, result: ApiResult | string, options: { close?: boolean } = {}): void {
  // A string result is API Gateway's shorthand for a 200 JSON reply.
  const structured: ApiResult =
    typeof result === "string"
      ? { statusCode: 200, headers: { "content-type": "application/json" }, body: result }
      : result;
  const headers: Record<string, string | number | boolean | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = value;
  if (structured.cookies?.length) headers["set-cookie"] = structured.cookies;
  const bytes =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? "base64" : "utf8");
  headers["content-length"] = bytes.length;
  if (options.close) headers.connection = "close";
  res.writeHead(structured.statusCode ?? 200, headers as Record<string, string | string[]>);
  res.end(bytes);
}

/** The whole body, undefined when there is none, "too-large" past `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined | "too-large"> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return "too-large";
    chunks.push(chunk);
  }
  if (
    size === 0 &&
    req.headers["content-length"] === undefined &&
    req.headers["transfer-encoding"] === undefined
  ) {
    return undefined;
  }
  return Buffer.concat(chunks, size);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
