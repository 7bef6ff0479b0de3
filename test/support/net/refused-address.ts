import { connect } from "node:net";

/**
 * A loopback address where every TCP connect is refused, by construction: port 4 (unassigned) is
 * below 1024, so the kernel never hands it out as an ephemeral port (listen(0) takes 32768 and up)
 * and no test binds it; nothing listens there on these machines. Not a port bound then closed, which
 * any process could take in between. Not 1 or 9 either: they are on the Fetch standard's "bad ports"
 * list, so Node's fetch fails them with "bad port" before any connect, an error of another kind.
 */
export const REFUSED_ADDRESS = "127.0.0.1:4";

let checked: Promise<string> | undefined;

/**
 * {@link REFUSED_ADDRESS}, once a connect to it was seen refused: a machine where something listens
 * there fails the test that needs it with this reason, not with a puzzling success.
 */
export function refusedAddress(): Promise<string> {
  checked ??= new Promise((done, fail) => {
    const [host, port] = REFUSED_ADDRESS.split(":");
    const socket = connect({ host: host!, port: Number(port), timeout: 3_000 });
    const refuse = (why: string) => {
      socket.destroy();
      fail(new Error(`${REFUSED_ADDRESS} must refuse connections for this test, but ${why}`));
    };
    socket.once("connect", () => refuse("something listens there"));
    socket.once("timeout", () => refuse("the connect timed out"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNREFUSED" ? done(REFUSED_ADDRESS) : refuse(`the connect failed with ${error.code}`),
    );
  });
  return checked;
}
