import { createHash } from "node:crypto";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP front for an S3 emulator that gives SSE-KMS and SSE-C objects the ETags AWS gives them:
 * not the MD5 of the body (S3's docs: "Objects encrypted by SSE-C or SSE-KMS have ETags that are
 * not an MD5 digest of their object data"). moto stores and answers those objects faithfully
 * otherwise, but keeps MD5 ETags. Everything else passes through untouched.
 */
export async function startKmsEtagFront(
  upstream: string,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        const encrypted =
          headers["x-amz-server-side-encryption"]?.toString().startsWith("aws:kms") ||
          headers["x-amz-server-side-encryption-customer-algorithm"] !== undefined;
        if (encrypted && typeof headers.etag === "string") {
          headers.etag = `"${createHash("md5").update(`kms:${headers.etag}`).digest("hex")}"`;
        }
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
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
