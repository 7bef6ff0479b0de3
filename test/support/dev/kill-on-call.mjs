/**
 * Preloaded into a `syncron dev` child by tests (`node --import`): the process SIGKILLs itself the
 * moment it sends the AWS call whose `X-Amz-Target` is `SYNCRON_TEST_KILL_ON` (e.g.
 * `DynamoDB_20120810.DeleteItem`), so a test can crash it at an exact point between two writes.
 * A real SIGKILL: no handler, no cleanup, exactly as `kill -9` would.
 */
import http from "node:http";
import { syncBuiltinESMExports } from "node:module";

const target = process.env.SYNCRON_TEST_KILL_ON;
if (target) {
  const original = http.request;
  const targetOf = (options) => {
    for (const [name, value] of Object.entries(options?.headers ?? {})) {
      if (name.toLowerCase() === "x-amz-target") return value;
    }
    return undefined;
  };
  http.request = function request(...args) {
    const options = args[0] instanceof URL || typeof args[0] === "string" ? args[1] : args[0];
    if (targetOf(options) === target) process.kill(process.pid, "SIGKILL");
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
}
