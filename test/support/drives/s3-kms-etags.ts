import { createHash } from "node:crypto";
import { type HttpFront, startHttpFront } from "./http-front.ts";

/**
 * An HTTP front for an S3 emulator that gives SSE-KMS and SSE-C objects the ETags AWS gives them:
 * not the MD5 of the body (S3's docs: "Objects encrypted by SSE-C or SSE-KMS have ETags that are
 * not an MD5 digest of their object data"). moto stores and answers those objects faithfully
 * otherwise, but keeps MD5 ETags. Everything else passes through untouched.
 */
export function startKmsEtagFront(upstream: string): Promise<HttpFront> {
  return startHttpFront(upstream, {
    answerHeaders: (headers) => {
      const encrypted =
        headers["x-amz-server-side-encryption"]?.toString().startsWith("aws:kms") ||
        headers["x-amz-server-side-encryption-customer-algorithm"] !== undefined;
      if (encrypted && typeof headers.etag === "string") {
        headers.etag = `"${createHash("md5").update(`kms:${headers.etag}`).digest("hex")}"`;
      }
      return headers;
    },
  });
}
