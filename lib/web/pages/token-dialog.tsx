import { useEffect, useRef, useState } from "preact/hooks";
import type { Credentials } from "../api.ts";
import { useUi } from "../context.ts";

/**
 * Asks once for what the API demands: SYNCRON_API_TOKEN (sent as X-Syncron-Token) and, on an AWS
 * stage with the JWT authorizer, a JWT (sent as Authorization: Bearer). The caller keeps them in
 * sessionStorage only.
 */
export function TokenDialog({ onToken }: { onToken: (given: Credentials) => void }) {
  const { t } = useUi();
  const [token, setToken] = useState("");
  const [jwt, setJwt] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="token-title" onCancel={(e) => e.preventDefault()}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim() || jwt.trim()) onToken({ token: token.trim(), jwt: jwt.trim() });
        }}
      >
        <h2 id="token-title">{t("tokenTitle")}</h2>
        <p>{t("tokenHelp")}</p>
        <label>
          {t("tokenLabel")}
          <input
            type="password"
            autocomplete="current-password"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("jwtLabel")}
          <input
            type="password"
            autocomplete="off"
            value={jwt}
            onInput={(e) => setJwt(e.currentTarget.value)}
          />
        </label>
        <button type="submit">{t("signIn")}</button>
      </form>
    </dialog>
  );
}
