import { useEffect, useRef, useState } from "preact/hooks";
import { useUi } from "../context.ts";

/** Asks for SYNCRON_API_TOKEN once; the caller keeps it in sessionStorage only. */
export function TokenDialog({ onToken }: { onToken: (token: string) => void }) {
  const { t } = useUi();
  const [token, setToken] = useState("");
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
          if (token.trim()) onToken(token.trim());
        }}
      >
        <h2 id="token-title">{t("tokenTitle")}</h2>
        <p>{t("tokenHelp")}</p>
        <label>
          {t("tokenLabel")}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <button type="submit">{t("signIn")}</button>
      </form>
    </dialog>
  );
}
