// R15 (issue 7 item 4): 「上へ」「下へ」 for the 順番予約 form, on the Worker's /holds/series page (rendered into
// /_shell/holds-series/, which carries this island). It enhances the form the page already has: the 「順番」 number
// fields stay the form's only input, and the buttons just move a volume in the list and renumber the fields (and a
// number typed into a field moves the volume to its place). Without JavaScript the number fields work alone; the
// Worker checks the order whatever is sent.
import { onMount } from "solid-js";

export default function SeriesOrder() {
  let status: HTMLParagraphElement | undefined;
  onMount(() => {
    const list = document.querySelector<HTMLOListElement>("form.series-form ol.series-lines");
    if (!list) return;
    const rows = () => [...list.querySelectorAll<HTMLLIElement>(":scope > li")];
    const field = (li: HTMLLIElement) => li.querySelector<HTMLInputElement>('input[name^="order-"]');
    const title = (li: HTMLLIElement) => (li.querySelector("a")?.textContent ?? "").trim();
    const say = (text: string) => {
      if (status) status.textContent = text;
    };
    const renumber = () => rows().forEach((li, i) => field(li) && (field(li)!.value = String(i + 1)));

    /** The list in the order the fields say, when they say a whole order (1..n, each once). */
    function followFields(): void {
      const all = rows();
      const positions = all.map((li) => Number(field(li)?.value));
      const n = all.length;
      if (!positions.every((p) => Number.isInteger(p) && p >= 1 && p <= n) || new Set(positions).size !== n) return;
      all.map((li, i) => ({ li, p: positions[i]! })).sort((a, b) => a.p - b.p).forEach(({ li }) => list!.appendChild(li));
    }

    function move(li: HTMLLIElement, by: -1 | 1, button: HTMLButtonElement): void {
      const all = rows();
      const j = all.indexOf(li) + by;
      if (j < 0 || j >= all.length) return;
      if (by < 0) list!.insertBefore(li, all[j]!);
      else list!.insertBefore(all[j]!, li);
      renumber();
      button.focus();
      say(`「${title(li)}」を${rows().indexOf(li) + 1}番目にしました。`);
    }

    followFields();
    for (const li of rows()) {
      const box = document.createElement("p");
      box.className = "series-move";
      for (const [label, by] of [["上へ", -1], ["下へ", 1]] as const) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = label;
        b.setAttribute("aria-label", `「${title(li)}」を${label}`);
        b.addEventListener("click", () => move(li, by, b));
        box.appendChild(b);
      }
      li.appendChild(box);
      field(li)?.addEventListener("change", followFields);
    }
  });
  return <p ref={status} class="visually-hidden" role="status" aria-live="polite"></p>;
}
