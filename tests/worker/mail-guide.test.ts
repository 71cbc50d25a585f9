// R40–R44, R20 (issue 9): the usage guide's page for mail is published now that addresses, confirmation, the ready
// notice and the reminders work — in the built site (needs the site built), linked from the guide's index and the
// pickup page. It names the labels verbatim, the limit, the refusals of R42 and the guide's common mistakes, the
// domain and sender to allow as configured (R44: MAIL_DOMAIN / MAIL_FROM, read at build time the way the site reads
// them), URL-mail blocking and 「テストメールを送信」; the pages that said mail was unavailable no longer do.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAIL_DOMAIN, MAIL_FROM } from "../../site/src/lib/config.ts";
import { GUIDE_PAGES, PENDING_GUIDE_PAGES } from "../../site/src/lib/guide.ts";
import { DUE_REMINDER_DAYS_BEFORE, HOLD_SHELF_OPEN_DAYS, MAIL_ADDRESS_LIMIT, MAIL_CONFIRM_TTL_MS, READY_NOTICE_HOUR, TEST_MAIL_INTERVAL_MS } from "../../worker/src/domain/policy.ts";
import { mainOf, textOf } from "../support/session-client.ts";

/** The text without the spaces tags leave (「場合：<code>x</code>」 reads 「場合：x」). */
const flat = (text: string) => text.replace(/\s+/g, "");
const asset = async (path: string) => {
  const res = await env.ASSETS.fetch(new Request(`https://assets.invalid${path}`));
  return { status: res.status, html: await res.text() };
};

describe("the guide page for mail (R40–R44)", () => {
  it("is published (in GUIDE_PAGES, none pending any more), built, without script, and the draft is gone", async () => {
    expect(GUIDE_PAGES.map((g) => g.slug)).toContain("mail");
    expect(PENDING_GUIDE_PAGES).toEqual([]);
    const { status, html } = await asset("/guide/mail/");
    expect(status).toBe(200);
    expect(html).not.toContain("<script");
    expect(html).toContain("<h1>メールアドレスの登録と、メールが届かないとき</h1>");
  });

  it("R40, R41: it names 「利用者情報メンテナンス」 → 「メールアドレスの登録・変更・削除」, 「変更する」/「削除する」, 「確認」, the limit and the confirmation link", async () => {
    const text = textOf(mainOf((await asset("/guide/mail/")).html));
    for (const words of [
      "「利用者情報メンテナンス」から「メールアドレスの登録・変更・削除」",
      "「変更する」を選び",
      "「削除する」を選び",
      "「確認」を押します",
      `${MAIL_ADDRESS_LIMIT}つまで`,
      "確認のメールが届きます",
      "「確認する」を押すと「確認済み」",
      `リンクは${MAIL_CONFIRM_TTL_MS / 3_600_000}時間有効で、1回だけ使えます`,
      "「確認メールを再送」",
      "「未確認」のままで、予約のお知らせなどのメールは届きません",
    ]) {
      expect(text).toContain(words);
    }
  });

  it("R20, R21, R43: per-hold choice; the ready notice the day after, its send day the contact day; the opt-in reminders", async () => {
    const text = textOf(mainOf((await asset("/guide/mail/")).html));
    expect(text).toContain("予約のたびに「連絡方法」で選べます");
    expect(text).toContain(`用意ができた日の翌日の朝（${READY_NOTICE_HOUR}時ごろ）`);
    expect(text).toContain("メールを送った日が連絡日です");
    expect(text).toContain(`受取館の休館日を除いて${HOLD_SHELF_OPEN_DAYS}日間`);
    expect(text).toContain(`「返却期限のお知らせ」：借りている資料の返却期限の${DUE_REMINDER_DAYS_BEFORE}日前`);
    expect(text).toContain("「お取り置き期限のお知らせ」");
    expect(text).toContain("はじめは、どちらも送りません");
  });

  it("R42: it names the two refusals with examples, and the guide's common mistakes", async () => {
    const text = textOf(mainOf((await asset("/guide/mail/")).html));
    expect(flat(text)).toContain("「.」（ドット）が2つ続くアドレス（例：taro..yamada@docomo.ne.jp）");
    expect(flat(text)).toContain("「@」の直前が「.」のアドレス（例：taro.@ezweb.ne.jp）");
    expect(text).toContain("登録できません");
    for (const words of ["大文字と小文字", "「-」（ハイフン）と「_」（アンダーバー）の取り違え", "「,」（カンマ）が入ったアドレスは登録せず、「.」（ドット）の間違いではないかをお知らせします", "「dokomo」", "「softbank」と「vodafone」", "「このまま登録する」", "半角に直して登録します"]) {
      expect(text).toContain(words);
    }
  });

  it("R44: it names the configured domain and sender to allow, URL-mail blocking and 「テストメールを送信」", async () => {
    const text = textOf(mainOf((await asset("/guide/mail/")).html));
    expect(MAIL_DOMAIN).not.toBe("");
    expect(flat(text)).toContain(`ドメインを指定して受信する場合：${MAIL_DOMAIN}`);
    expect(flat(text)).toContain(`アドレスを指定して受信する場合：${MAIL_FROM}`);
    expect(text).toContain("「URL付きメールの受信拒否」");
    expect(text).toContain(`「テストメールを送信」で試しのメールを送れます（${TEST_MAIL_INTERVAL_MS / 60_000}分に1回まで）`);
  });

  it("the guide's index and the pickup page link it and no longer say mail is unavailable", async () => {
    for (const path of ["/guide/", "/guide/pickup/"]) {
      const { html } = await asset(path);
      expect(html, path).toContain('href="/guide/mail/"');
      const text = textOf(mainOf(html));
      expect(text, path).not.toContain("ご利用いただけない");
      expect(text, path).not.toContain("ご利用いただけません");
    }
    expect(textOf(mainOf((await asset("/guide/pickup/")).html))).toContain("お知らせのメールを送った日（用意できた日の翌日）が連絡日です");
  });
});
