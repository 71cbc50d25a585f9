// The header's session slot on the static pages (issue 3 item 1, issue 6 item 2). Built empty: a static page cannot
// know who is asking, so without JavaScript it claims nothing (the header's 「利用者情報メンテナンス」 link is outside
// the island and leads to /account, which asks for a login when needed). Once the page is idle it asks
// GET /api/session and, for a logged-in patron, shows the name and 「ログアウト」 — a POST /logout form carrying the
// CSRF token the API hands out, so it works like the Worker-rendered one. Nobody logged in: it stays empty (never
// 「ログイン」 for a patron who is in). No rules here: the API answers.
import { Show, createSignal, onMount } from "solid-js";

interface SessionAnswer {
  patron: { name: string; temporary: boolean } | null;
  /** The hidden field a POST form needs (the security middleware's token for this session). */
  csrf?: { name: string; token: string };
}

export default function HeaderSession() {
  const [answer, setAnswer] = createSignal<SessionAnswer | null>(null);

  onMount(async () => {
    try {
      const res = await fetch("/api/session", { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!res.ok) return;
      setAnswer((await res.json()) as SessionAnswer);
    } catch {
      // Offline or the Worker is down: the slot stays empty.
    }
  });

  return (
    <Show when={answer()?.patron}>
      {(patron) => (
        <div class="session">
          <span class="session-name">{patron().name} さん</span>{" "}
          <form class="logout" method="post" action="/logout">
            <Show when={answer()?.csrf}>{(csrf) => <input type="hidden" name={csrf().name} value={csrf().token} />}</Show>
            <button type="submit">ログアウト</button>
          </form>
        </div>
      )}
    </Show>
  );
}
