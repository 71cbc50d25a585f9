// The one enhancement 「予約状況一覧」's 「取消」 (HoldList) and 「貸出状況一覧」's 「延長」 (LoanList) share: a form the
// page already has (it works without JavaScript) is confirmed by the browser's own dialog, posted to the same route
// as JSON, and then the list the Worker renders for `next(id)` replaces the old one — exactly what the server says,
// with the focus on its status line. A refusal is shown beside the form with the Worker's reasons. No rule lives
// here: the Worker decides; this only shows its answers.

export interface ApiError {
  error?: { message: string; reasons?: { message: string }[]; contactSentence?: string };
}

export interface ListAction {
  /** The forms it takes over (a class of the page's form) and the list item around each. */
  formClass: string;
  itemSelector: string;
  /** The form's action path, with the object's id as the first group. */
  actionPath: RegExp;
  /** The question for the confirm dialog; `title` is the item's heading. */
  question(title: string, form: HTMLFormElement): string;
  /** The JSON body to post. */
  body: unknown;
  /** Said when the Worker gives no message. */
  failed: string;
  /** Extra lines of a refusal (e.g. the sentence to come or phone). */
  extra?(error: NonNullable<ApiError["error"]>): string[];
  /** The page whose <main> replaces the list afterwards. */
  next(id: string): string;
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

export function enhanceListAction(main: HTMLElement, a: ListAction): void {
  main.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains(a.formClass)) return;
    const item = form.closest<HTMLElement>(a.itemSelector);
    const id = a.actionPath.exec(new URL(form.action).pathname)?.[1];
    if (!item || !id) return;
    event.preventDefault();
    const title = item.querySelector("h2")?.textContent?.trim() ?? "";
    if (!window.confirm(a.question(title, form))) return;
    const button = form.querySelector<HTMLButtonElement>("button");
    button?.setAttribute("disabled", "");
    let box = item.querySelector<HTMLElement>("[data-list-alert]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.setAttribute("data-list-alert", "");
      form.insertAdjacentElement("afterend", box);
    }
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(a.body),
      });
      if (!res.ok) {
        const e = ((await res.json().catch(() => ({}))) as ApiError).error;
        say(box, [e?.message ?? a.failed, ...(e?.reasons ?? []).map((r) => r.message).filter((m) => m !== e?.message), ...(e && a.extra ? a.extra(e) : [])]);
        button?.removeAttribute("disabled");
        return;
      }
      await replaceMain(main, a.next(id));
    } catch {
      say(box, ["通信できませんでした。もう一度お試しください。"]);
      button?.removeAttribute("disabled");
    }
  });
}

/**
 * After a write: the page the Worker renders for `next` replaces <main> (the island itself stays), the address bar
 * says `next`, and focus goes to the page's status line. If that page cannot be had, the browser goes there.
 */
export async function replaceMain(main: HTMLElement, next: string): Promise<void> {
  const res = await fetch(next, { headers: { accept: "text/html" } });
  const fresh = new DOMParser().parseFromString(await res.text(), "text/html").querySelector("main");
  if (!res.ok || !fresh) {
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
}
