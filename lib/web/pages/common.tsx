import type { ComponentChildren } from "preact";
import { useUi } from "../context.ts";

export function Status({ status }: { status: string | undefined }) {
  const { t } = useUi();
  if (!status) return <span class="status">{t("never")}</span>;
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}

export function Failure({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useUi();
  return (
    <p role="alert" class="failure">
      {error.message}{" "}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t("retry")}
        </button>
      )}
    </p>
  );
}

export function Loading({ children }: { children?: ComponentChildren }) {
  const { t } = useUi();
  return <p aria-busy="true">{children ?? t("loading")}</p>;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];
export function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
