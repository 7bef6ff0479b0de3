import { createServer, type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpFront {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that passes every request through to `upstream` untouched, telling
 * `onRequest` of each one and letting `answerHeaders` rewrite the headers of each answer.
 */
export async function startHttpFront(
  upstream: string,
  hooks: {
    onRequest?: (req: IncomingMessage) => void;
    answerHeaders?: (headers: IncomingHttpHeaders) => IncomingHttpHeaders;
  },
): Promise<HttpFront> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    hooks.onRequest?.(req);
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = hooks.answerHeaders ? hooks.answerHeaders({ ...answer.headers }) : answer.headers;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => res.writeHead(502).end(error.message));
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
