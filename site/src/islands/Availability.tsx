// Live availability on a static record page (R11 data from the Worker): fetches the current status of each copy
// and updates the status cells the page already has. The page works without it (「最新の所蔵状況を見る」).
import { createSignal, onMount } from "solid-js";

interface Copy {
  itemId: number;
  statusLabel: string;
}

export default function Availability(props: { recordId: number; builtAt: string }) {
  const [note, setNote] = createSignal(`状態は${props.builtAt}時点のものです。`);
  onMount(async () => {
    try {
      const res = await fetch(`/api/records/${props.recordId}/availability`, { headers: { accept: "application/json" } });
      if (!res.ok) return;
      const data = (await res.json()) as { checkedAt: string; branches: { copies: Copy[] }[] };
      for (const branch of data.branches) {
        for (const copy of branch.copies) {
          const cell = document.querySelector(`[data-item-status="${copy.itemId}"]`);
          if (cell) cell.textContent = copy.statusLabel;
        }
      }
      // Issue 6 item 4: the library's clock, Japan time, whatever zone the device is set to.
      const at = new Date(data.checkedAt).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" });
      setNote(`最新の状態です（${at}現在）。`);
    } catch {
      // Offline or the Worker is down: the build-time statuses and the link stay.
    }
  });
  return (
    <p class="status-note" aria-live="polite">
      {note()}
    </p>
  );
}
