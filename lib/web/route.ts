import { useEffect, useState } from "preact/hooks";

/** The page shown, from the address's `#/...` part (hash routes: any static host serves them). */
export type Route =
  | { page: "configs" }
  | { page: "new" }
  | { page: "edit"; id: string }
  | { page: "runs"; id: string }
  | { page: "run"; id: string; taskId: string }
  | { page: "drives" }
  | { page: "system" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [first, id, sub, taskId] = parts;
  if (first === "configs" && id === "new") return { page: "new" };
  if (first === "configs" && id && sub === "edit") return { page: "edit", id };
  if (first === "configs" && id && sub === "runs" && taskId) return { page: "run", id, taskId };
  if (first === "configs" && id && sub === "runs") return { page: "runs", id };
  if (first === "drives") return { page: "drives" };
  if (first === "system") return { page: "system" };
  return { page: "configs" };
}

export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join("/")}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}
