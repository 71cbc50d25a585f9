// 「貸出状況一覧」's 「延長」 without a page reload (issue 8 item 5, R31), on the Worker's /loans page (rendered into
// /_shell/loans/, which carries this island). It enhances the forms the page already has: without JavaScript the same
// 「延長」 opens /loans/:id/renew, which shows the new due date and 「延長する」. With it, the browser's own confirm dialog
// names the new due date the Worker put on the form (data-new-due), the island posts to POST /loans/:id/renew as JSON,
// and then puts the list the Worker renders for /loans?renewed=<id> in place of the old one — the new due date and
// 「延長済み」 exactly as the server says. A refusal is shown with the Worker's reasons (which rule refused). No rule
// lives here: the Worker decides; this only shows its answers.
import { onMount } from "solid-js";

interface ApiError {
  error?: { message: string; reasons?: { message: string }[] };
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

export default function LoanList() {
  onMount(() => {
    const main = document.querySelector("main");
    if (!main) return;
    main.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("loan-renew")) return;
      const item = form.closest<HTMLElement>("li.loan-item");
      const id = /^\/loans\/(\d+)\/renew$/.exec(new URL(form.action).pathname)?.[1];
      if (!item || !id) return;
      event.preventDefault();
      const title = item.querySelector("h2")?.textContent?.trim() ?? "";
      const newDue = form.dataset.newDue ?? "";
      if (!window.confirm(`「${title}」の貸出を延長しますか。延長後の返却期限は${newDue}です。延長できるのは1回だけです。`)) return;
      const button = form.querySelector<HTMLButtonElement>("button");
      button?.setAttribute("disabled", "");
      let box = item.querySelector<HTMLElement>("[data-loan-alert]");
      if (!box) {
        box = document.createElement("div");
        box.setAttribute("role", "alert");
        box.setAttribute("data-loan-alert", "");
        form.insertAdjacentElement("afterend", box);
      }
      try {
        const res = await fetch(form.action, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({}),
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => ({}))) as ApiError;
          const e = body.error;
          say(box, [e?.message ?? "延長できませんでした。", ...(e?.reasons ?? []).map((r) => r.message).filter((m) => m !== e?.message)]);
          button?.removeAttribute("disabled");
          return;
        }
        // The list as the Worker now renders it (the new due date, 「延長済み」, the notice).
        const next = `/loans?renewed=${id}`;
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
