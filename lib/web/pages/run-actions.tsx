import { useState } from "preact/hooks";
import { api, FINISHED, type Run } from "../api.ts";
import { useUi } from "../context.ts";
import { Failure } from "./common.tsx";

/** Runs that may be run again (POST /api/v1/runs/{task_id}/retry). */
const RETRYABLE = new Set(["FAILURE", "CANCELLED"]);

/** What a retry answers: the new run. */
export interface Retried {
  task_id: string;
  retry_of: string;
}

/**
 * A run's Cancel (while it has not ended: PENDING and RETRY end at once, a STARTED one at its next
 * file) and Retry (once it failed or was cancelled) buttons; `onDone` gets the API's reply.
 */
export function RunActions({ run, onDone }: { run: Run; onDone: (reply: Run | Retried) => void }) {
  const { t } = useUi();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Error>();
  const act = (action: "retry" | "cancel") => async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      onDone(await api<Run | Retried>("POST", `/api/v1/runs/${encodeURIComponent(run.task_id)}/${action}`));
    } catch (error) {
      setFailure(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="run-actions">
      {!FINISHED.has(run.status) && (
        <button
          type="button"
          class="secondary"
          aria-label={`${t("cancelRun")}: ${run.task_id}`}
          disabled={busy}
          onClick={act("cancel")}
        >
          {t("cancelRun")}
        </button>
      )}
      {RETRYABLE.has(run.status) && (
        <button
          type="button"
          aria-label={`${t("retryRun")}: ${run.task_id}`}
          disabled={busy}
          onClick={act("retry")}
        >
          {t("retryRun")}
        </button>
      )}
      {failure && <Failure error={failure} />}
    </span>
  );
}
