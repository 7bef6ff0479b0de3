import { useUi } from "../context.ts";
import { bytes } from "./common.tsx";

/** One file of a run's per-file report (GET …/task-result/{task_id}/items). */
export interface Item {
  path: string;
  op: string;
  size: number;
  status: string;
  error?: string;
}

/** A run's per-file items: a real run's (done, failed) or a preview's (planned). */
export function ItemsTable({ items, label }: { items: readonly Item[]; label?: string }) {
  const { t } = useUi();
  return (
    <div class="table-wrap">
      <table class="items" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{t("path")}</th>
            <th scope="col">{t("action")}</th>
            <th scope="col">{t("size")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("error")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.op}:${item.path}`}>
              <td data-label={t("path")}>
                <code>{item.path}</code>
              </td>
              <td data-label={t("action")}>{item.op}</td>
              <td data-label={t("size")}>{bytes(item.size)}</td>
              <td data-label={t("status")}>{item.status}</td>
              <td data-label={t("error")}>{item.error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
