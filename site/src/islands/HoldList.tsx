// 「予約状況一覧」's 「取消」 without a page reload (issue 7 item 10), on the Worker's /holds page (rendered into
// /_shell/holds/, which carries this island). It enhances the forms the page already has: without JavaScript the same
// 「取消」 posts to /holds/:id/cancel and answers with a confirmation page. With it, the browser's own confirm dialog
// asks once, the island posts JSON ({ confirm: true }) to the same route, and then puts the list the Worker renders
// for /holds?cancelled=<id> in place of the old one — states, positions and released chains exactly as the server
// says. A refusal (another state, another patron's hold) is shown with the Worker's reasons and the sentence to
// come or phone. No rule lives here: the Worker decides; this only shows its answers.
import { onMount } from "solid-js";

interface ApiError {
  error?: { message: string; reasons?: { message: string }[]; contactSentence?: string };
}

function say(box: HTMLElement, lines: readonly string[]): void {
  box.replaceChildren();
  box.className = "note";
  for (const line of lines) {
    const p = document.createElement("p");
    p.textContent = line;
    box.appendChild(p);
  }
}

export default function HoldList() {
  onMount(() => {
    const main = document.querySelector("main");
    if (!main) return;
    main.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("hold-cancel")) return;
      const item = form.closest<HTMLElement>("li.hold-item");
      const id = /^\/holds\/(\d+)\/cancel$/.exec(new URL(form.action).pathname)?.[1];
      if (!item || !id) return;
      event.preventDefault();
      const title = item.querySelector("h2")?.textContent?.trim() ?? "";
      if (!window.confirm(`「${title}」の予約を取り消しますか。取り消すと、予約順位は元に戻せません。`)) return;
      const button = form.querySelector<HTMLButtonElement>("button");
      button?.setAttribute("disabled", "");
      let box = item.querySelector<HTMLElement>("[data-hold-alert]");
      if (!box) {
        box = document.createElement("div");
        box.setAttribute("role", "alert");
        box.setAttribute("data-hold-alert", "");
        form.insertAdjacentElement("afterend", box);
      }
      try {
        const res = await fetch(form.action, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ confirm: true }),
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => ({}))) as ApiError;
          const e = body.error;
          say(box, [e?.message ?? "取り消せませんでした。", ...(e?.reasons ?? []).map((r) => r.message).filter((m) => m !== e?.message), ...(e?.contactSentence ? [e.contactSentence] : [])]);
          button?.removeAttribute("disabled");
          return;
        }
        // The list as the Worker now renders it (the hold cancelled, a released volume's chain, the counts).
        const next = `/holds?cancelled=${id}`;
        const page = await fetch(next, { headers: { accept: "text/html" } });
        const fresh = new DOMParser().parseFromString(await page.text(), "text/html").querySelector("main");
        if (!page.ok || !fresh) {
          window.location.assign(next);
          return;
        }
        for (const island of Array.from(fresh.querySelectorAll("astro-island"))) island.remove();
        const keep = Array.from(main.querySelectorAll(":scope > astro-island"));
        main.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)), ...keep);
        history.replaceState(null, "", next);
        const status = main.querySelector<HTMLElement>("[role=status]");
        if (status) {
          status.setAttribute("tabindex", "-1");
          status.focus();
        }
      } catch {
        say(box, ["通信できませんでした。もう一度お試しください。"]);
        button?.removeAttribute("disabled");
      }
    });
  });
  return null;
}
