/**
 * HTTP agents that hold each request until the drive's rate limit lets it go: for clients built on
 * node:http (the WebDAV drive's, the AWS SDK's NodeHttpHandler), so `tps` counts HTTP requests.
 */
import { type ClientRequest, Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { RequestGate } from "./rate-limit.ts";

type AddRequest = (request: ClientRequest, options: object) => void;

/** Delays `addRequest` (the socket, so the request) until the gate opens; a 429 answer is reported. */
const gate = <T extends HttpAgent>(agent: T, requestGate: RequestGate): T => {
  const addRequest = (agent as unknown as { addRequest: AddRequest }).addRequest.bind(agent);
  (agent as unknown as { addRequest: AddRequest }).addRequest = (request, options) => {
    request.once("response", (response) => {
      if (response.statusCode === 429) {
        const seconds = Number(response.headers["retry-after"]);
        requestGate.throttled(Number.isFinite(seconds) ? seconds * 1000 : undefined);
      }
    });
    requestGate.beforeRequest().then(
      () => addRequest(request, options),
      (error: unknown) => request.destroy(error as Error),
    );
  };
  return agent;
};

/** An http and an https agent (keep-alive), behind `requestGate` when there is one. */
export const keepAliveAgents = (
  requestGate?: RequestGate,
): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } => {
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  return requestGate
    ? { httpAgent: gate(httpAgent, requestGate), httpsAgent: gate(httpsAgent, requestGate) }
    : { httpAgent, httpsAgent };
};
