// The header's session part on the static pages (issue 3 item 1): built as the plain 「ログイン」 link, which is
// all a browser without JavaScript sees. Once the page is idle it asks GET /api/session and, for a logged-in
// patron, shows the name (a link to 「利用者情報メンテナンス」) and 「ログアウト」 — a POST /logout form carrying the
// CSRF token the API hands out, so it works like the Worker-rendered one. No rules here: the API answers.
import { Show, createSignal, onMount } from "solid-js";

interface SessionAnswer {
  patron: { name: string; temporary: boolean } | null;
  /** The hidden field a POST form needs (the security middleware's token for this session). */
  csrf?: { name: string; token: string };
}

/** Pages where coming back after login makes no sense. */
const NO_RETURN = /^\/(login|logout|password\/|account)/;

export default function HeaderSession() {
  const [answer, setAnswer] = createSignal<SessionAnswer | null>(null);
  const [loginHref, setLoginHref] = createSignal("/login");

  onMount(async () => {
    if (!NO_RETURN.test(location.pathname)) {
      setLoginHref(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    try {
      const res = await fetch("/api/session", { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!res.ok) return;
      setAnswer((await res.json()) as SessionAnswer);
    } catch {
      // Offline or the Worker is down: the 「ログイン」 link stays.
    }
  });

  return (
    <Show when={answer()?.patron} fallback={<a href={loginHref()}>ログイン</a>}>
      {(patron) => (
        <div class="session">
          <a class="session-name" href={patron().temporary ? "/account/password" : "/account"}>
            {patron().name} さん
          </a>{" "}
          <form class="logout" method="post" action="/logout">
            <Show when={answer()?.csrf}>{(csrf) => <input type="hidden" name={csrf().name} value={csrf().token} />}</Show>
            <button type="submit">ログアウト</button>
          </form>
        </div>
      )}
    </Show>
  );
}
