// R50 (issue 10 item 4): no-JavaScript parity — ONE browser test walks the whole patron journey in real Chromium
// with JavaScript disabled at 320 px, as 2100000005 (八幡 みどり): search (the header's form) → record →
// 「予約カートに入れる」 → cart → 「予約申込」 (login on the way) → 順番予約 of 夜明け前 第一部上・下 → 「予約状況一覧」 →
// a change (受取館) and 「取消」 → 「貸出状況一覧」 → 「延長」 → 「パスワード変更」 → mail settings (add an address) →
// マイブックリスト (a new list) → 「利用カード（バーコード）」. At every step: no horizontal scrolling (the layout probe is
// the test's, not the page's: Playwright evaluates with page scripts off). axe-core runs on the card page in a
// second context with scripts on and the same session (axe is a script). Everything the run changes is put back.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext, withD1, type LocalD1 as D1 } from "./browser.ts";
import { addDays, tokyoDay, type Day } from "../../worker/src/domain/calendar.ts";

const MIDORI = { card: "2100000005", password: "Midori2001", name: "八幡 みどり" };
const NEW_PASSWORD = "Midori2026x";
const MAIL = `journey-nojs-${Date.now()}@example.jp`;
/** This test's loans carry this loaned_at remainder (ms), so a run that died is cleaned up by the next. */
const MARK = 779;
const DAY = 24 * 60 * 60_000;

let browser: Browser;
let patronId: number;
let volumes: { id: number; label: string }[];
let record: { id: number; title: string };
let loanId: number;
let start: number;
let marks: { hold: number; group: number; list: number; mail: number; cart: number };
let credential: { hash: string; temporary: number; changed_at: number };

async function cleanLoans(d1: D1): Promise<void> {
  const rows = await d1.prepare("SELECT id, item_id FROM loans WHERE patron_id = ? AND loaned_at % 1000 = ?").bind(patronId, MARK).all<{ id: number; item_id: number }>();
  for (const r of rows.results) {
    await d1.batch([
      d1.prepare("DELETE FROM audit_log WHERE action = 'loan_renewed' AND target_kind = 'loan' AND target_id = ?").bind(r.id),
      d1.prepare("DELETE FROM loans WHERE id = ?").bind(r.id),
      d1.prepare("UPDATE items SET status = 'on_shelf' WHERE id = ? AND status = 'on_loan'").bind(r.item_id),
    ]);
  }
}

before(async () => {
  browser = await launch();
  start = Date.now();
  await withD1(async (d1) => {
    patronId = (await d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(MIDORI.card).first<{ id: number }>())!.id;
    credential = (await d1.prepare("SELECT hash, temporary, changed_at FROM credentials WHERE patron_id = ?").bind(patronId).first())!;
    volumes = (await d1.prepare("SELECT id, volume_label AS label FROM records WHERE title = '夜明け前' AND volume_label IN ('第一部上', '第一部下') ORDER BY volume_order").all<{ id: number; label: string }>()).results;
    assert.equal(volumes.length, 2, "the demo catalogue has 夜明け前 第一部上 and 第一部下");
    await cleanLoans(d1);
    const ids = volumes.map((v) => v.id);
    await d1.batch([
      d1.prepare(`DELETE FROM holds WHERE patron_id = ? AND record_id IN (${ids.map(() => "?").join(",")})`).bind(patronId, ...ids),
      d1.prepare("DELETE FROM hold_groups WHERE patron_id = ? AND id NOT IN (SELECT group_id FROM holds WHERE group_id IS NOT NULL)").bind(patronId),
      d1.prepare("DELETE FROM cart_lines WHERE patron_id = ?").bind(patronId),
    ]);
    const max = async (table: string) => (await d1.prepare(`SELECT coalesce(max(id), 0) AS n FROM ${table}`).first<{ n: number }>())!.n;
    marks = { hold: await max("holds"), group: await max("hold_groups"), list: await max("book_lists"), mail: await max("mail_addresses"), cart: await max("cart_lines") };
    // A holdable record she holds nothing of, with a plain title the search finds.
    record = (await d1
      .prepare(
        `SELECT r.id, r.title FROM records r
         WHERE r.series_id IS NULL AND EXISTS (SELECT 1 FROM items i JOIN branches b ON b.id = i.branch_id
                       WHERE i.record_id = r.id AND i.loanable = 1 AND b.in_city = 1 AND i.status IN ('on_shelf','on_loan'))
           AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = r.id AND h.patron_id = ?1 AND h.status IN ('waiting','in_transit','ready'))
           AND length(r.title) BETWEEN 4 AND 12
         ORDER BY r.id DESC LIMIT 1`,
      )
      .bind(patronId)
      .first<{ id: number; title: string }>())!;
    assert.ok(record, "a holdable record");
    // A loan of hers due in 5 days: an on-shelf copy at 中央図書館 nobody holds.
    const staff = (await d1.prepare("SELECT id, branch_id FROM staff_users WHERE login = 'counter-chuo'").first<{ id: number; branch_id: number }>())!;
    const copy = (await d1
      .prepare(
        `SELECT i.id FROM items i WHERE i.branch_id = ?1 AND i.current_branch_id = ?1 AND i.status = 'on_shelf' AND i.loanable = 1 AND i.ill_hold_id IS NULL
           AND i.record_id <> ?2 AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = i.record_id)
         ORDER BY i.id DESC LIMIT 1`,
      )
      .bind(staff.branch_id, record.id)
      .first<{ id: number }>())!;
    const clock = await d1.prepare("SELECT today FROM local_clock WHERE id = 1").first<{ today: string }>().catch(() => null);
    const today: Day = clock?.today ?? tokyoDay(Date.now());
    const loanedAt = Date.now() - 9 * DAY;
    const [, inserted] = await d1.batch([
      d1.prepare("UPDATE items SET status = 'on_loan' WHERE id = ?").bind(copy.id),
      d1.prepare("INSERT INTO loans (item_id, patron_id, loaned_at, checkout_branch_id, staff_id, due_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(copy.id, patronId, loanedAt - (loanedAt % 1000) + MARK, staff.branch_id, staff.id, addDays(today, 5)),
    ]);
    loanId = (inserted!.results[0] as { id: number }).id;
  });
});

after(async () => {
  await browser?.close();
  await withD1(async (d1) => {
    await cleanLoans(d1);
    await d1.batch([
      d1.prepare("DELETE FROM holds WHERE patron_id = ? AND id > ?").bind(patronId, marks.hold),
      d1.prepare("DELETE FROM hold_groups WHERE patron_id = ? AND id > ?").bind(patronId, marks.group),
      d1.prepare("DELETE FROM cart_lines WHERE id > ?").bind(marks.cart),
      d1.prepare("DELETE FROM book_lists WHERE patron_id = ? AND id > ?").bind(patronId, marks.list),
      d1.prepare("DELETE FROM mail_addresses WHERE patron_id = ? AND id > ?").bind(patronId, marks.mail),
      d1.prepare("DELETE FROM idempotency_keys WHERE created_at >= ? AND scope = ?").bind(start, `holds:${patronId}`),
      d1.prepare("UPDATE credentials SET hash = ?, temporary = ?, changed_at = ? WHERE patron_id = ?").bind(credential.hash, credential.temporary, credential.changed_at, patronId),
    ]);
  });
});

/** R50: nothing in the page reaches past the 320-px screen, and the page does not scroll sideways. */
async function fits(page: Page, step: string): Promise<void> {
  const { scrollWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wide: Array.from(document.querySelectorAll("body *"))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest(".visually-hidden, .skip"))
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className}` : ""}: ${Math.round(el.getBoundingClientRect().right)}`),
  }));
  assert.deepEqual(wide, [], `${step}: nothing wider than the 320-px screen`);
  assert.ok(scrollWidth <= 320, `${step}: no horizontal scrolling at 320 px (scrollWidth ${scrollWidth})`);
}

const h1 = (page: Page) => page.getByRole("heading", { level: 1 }).innerText();

describe("R50 no-JavaScript parity", () => {
  it("the whole patron journey with JavaScript disabled at 320 px: search → record → cart → 「予約申込」 → 順番予約 → 「予約状況一覧」 → change, 「取消」 → 「貸出状況一覧」 → 「延長」 → password → mail → book list → card", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    const main = page.getByRole("main");
    const statuses: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 500) statuses.push(`${r.status()} ${r.url()}`);
    });
    try {
      // Search from the header's form, then the record.
      await page.goto(`${BASE}/`);
      assert.equal(await page.evaluate(() => typeof (window as unknown as { fetch?: unknown }).fetch), "function", "the probe runs (the page's own scripts do not)");
      await fits(page, "home");
      await page.getByLabel("資料を探す（資料名・著者名・ISBN など）").fill(record.title);
      await page.getByRole("search").getByRole("button", { name: "検索" }).click();
      await page.waitForURL(/\/search\?q=/);
      await fits(page, "search results");
      await main.locator(`a[href="/catalog/${record.id}/"]`).first().click();
      await page.waitForURL(`${BASE}/catalog/${record.id}/`);
      await fits(page, "record");
      await page.getByRole("button", { name: "予約カートに入れる" }).click();
      await page.waitForURL(new RegExp(`/cart\\?(added|already)=${record.id}$`));
      await fits(page, "cart");

      // 「予約申込」: login on the way, back to the form, place it.
      await main.getByRole("link", { name: "予約申込へ進む" }).click();
      await page.waitForURL(/\/login\?next=%2Fholds%2Fapply$/);
      await fits(page, "login");
      await page.getByLabel("図書館カード番号").fill(MIDORI.card);
      await page.getByLabel("パスワード", { exact: true }).fill(MIDORI.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(`${BASE}/holds/apply`);
      await fits(page, "予約申込");
      assert.equal(await main.locator(`input[name="recordId"][value="${record.id}"]`).isChecked(), true);
      await page.getByLabel("受取館").selectOption({ label: "中央図書館" });
      await main.getByRole("button", { name: "予約申込" }).click();
      await page.waitForURL(/\/holds\/apply\/answer\?key=/);
      await main.getByText("1件を予約しました。").waitFor();
      await fits(page, "予約申込 answer");

      // 順番予約: both volumes into the cart, then the series form, order, confirm, OK.
      for (const v of volumes) {
        await page.goto(`${BASE}/catalog/${v.id}/`);
        await page.getByRole("button", { name: "予約カートに入れる" }).click();
        await page.waitForURL(new RegExp(`/cart\\?(added|already)=${v.id}$`));
      }
      await main.getByRole("link", { name: "順番予約", exact: true }).click();
      await page.waitForURL(`${BASE}/holds/series`);
      assert.equal(await h1(page), "順番予約");
      await fits(page, "順番予約");
      assert.equal(await main.getByRole("button", { name: /を下へ$/ }).count(), 0, "no island without JavaScript");
      await page.getByLabel("受取館").selectOption({ label: "中央図書館" });
      await main.getByRole("radio", { name: "電話" }).check();
      await main.getByRole("button", { name: "順番予約申込み" }).click();
      await page.waitForURL(/\/holds\/series\/confirm$/);
      assert.match(await main.innerText(), /第一部上 → 第一部下/);
      await fits(page, "順番予約 confirmation");
      await main.getByRole("button", { name: "OK", exact: true }).click();
      await page.waitForURL(/\/holds\/series\/groups\/\d+$/);
      assert.equal(await h1(page), "順番予約を受け付けました");
      await fits(page, "順番予約 answer");

      // 「予約状況一覧」: change the first hold's pickup library, then cancel it (the no-JS confirmation page).
      await main.getByRole("link", { name: "予約状況一覧" }).click();
      await page.waitForURL(`${BASE}/holds`);
      await fits(page, "予約状況一覧");
      const holdId = await withD1(async (d1) => (await d1.prepare("SELECT id FROM holds WHERE patron_id = ? AND record_id = ? AND id > ?").bind(patronId, record.id, marks.hold).first<{ id: number }>())!.id);
      const hold = page.locator(`#hold-${holdId}`);
      await hold.getByLabel("受取館").selectOption({ label: "門司図書館" });
      await hold.getByRole("button", { name: "変更" }).click();
      await page.waitForURL(`${BASE}/holds?changed=${holdId}`);
      await page.getByRole("status").getByText("受取館・連絡方法を変更しました").waitFor();
      assert.match(await hold.innerText(), /門司図書館/);
      await hold.getByRole("button", { name: "取消" }).click();
      await page.getByRole("heading", { level: 1, name: "予約の取消" }).waitFor();
      await fits(page, "予約の取消");
      await page.getByRole("button", { name: "取り消す" }).click();
      await page.waitForURL(`${BASE}/holds?cancelled=${holdId}`);
      await page.getByRole("status").getByText("予約を取り消しました").waitFor();
      await main.getByText("第一部下：第一部上のご用意後に確保します", { exact: false }).first().waitFor();

      // 「貸出状況一覧」 → 「延長」 (the confirmation page) → 「延長する」.
      await page.goto(`${BASE}/account`);
      await fits(page, "利用者情報メンテナンス");
      await main.getByRole("link", { name: "貸出状況一覧" }).click();
      await page.waitForURL(`${BASE}/loans`);
      await fits(page, "貸出状況一覧");
      await page.locator(`#loan-${loanId}`).getByRole("button", { name: "延長" }).click();
      await page.getByRole("heading", { level: 1, name: "貸出の延長" }).waitFor();
      await fits(page, "貸出の延長");
      await page.getByRole("button", { name: "延長する" }).click();
      await page.waitForURL(`${BASE}/loans?renewed=${loanId}`);
      await page.getByRole("status").getByText("の貸出を延長しました").waitFor();
      assert.match(await page.locator(`#loan-${loanId}`).innerText(), /延長済み/);

      // 「パスワード変更」.
      await page.goto(`${BASE}/account`);
      await main.getByRole("link", { name: "パスワード変更" }).click();
      await page.waitForURL(`${BASE}/account/password`);
      await fits(page, "パスワード変更");
      await page.getByLabel("現在のパスワード", { exact: true }).fill(MIDORI.password);
      await page.getByLabel("変更するパスワード").fill(NEW_PASSWORD);
      await page.getByLabel("確認用パスワード（もう一度入力）").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "変更", exact: true }).click();
      await page.waitForURL(`${BASE}/account?notice=password_changed`);
      assert.match(await page.getByRole("status").innerText(), /パスワードを変更しました/);

      // Mail settings: add an address (confirmed with the new password).
      await main.getByRole("link", { name: "メールアドレスの登録・変更・削除" }).click();
      await page.waitForURL(`${BASE}/account/mail`);
      await fits(page, "メールアドレスの登録・変更・削除");
      const slot = page.locator("section.mail-new");
      await slot.getByLabel("メールアドレス", { exact: true }).fill(MAIL);
      await slot.getByLabel("パスワード", { exact: true }).fill(NEW_PASSWORD);
      await slot.getByRole("button", { name: "確認", exact: true }).click();
      await page.waitForURL(`${BASE}/account/mail?done=added`);
      await page.getByRole("status").getByText("確認メールを送りました").waitFor();
      assert.ok((await main.innerText()).includes(MAIL));
      await fits(page, "mail address added");

      // マイブックリスト: a new list from the record page.
      await page.goto(`${BASE}/catalog/${record.id}/`);
      await main.getByRole("link", { name: "マイブックリストに追加" }).click();
      await page.waitForURL(new RegExp(`/lists/add\\?record=${record.id}$`));
      await fits(page, "マイブックリストに追加");
      await main.getByLabel("リストの名前").fill("はじめてのリスト");
      await main.getByRole("button", { name: "リストを作って追加" }).click();
      await page.waitForURL(new RegExp(`/lists/\\d+\\?added=${record.id}$`));
      assert.equal(await h1(page), "はじめてのリスト");
      await fits(page, "the book list");

      // 「利用カード（バーコード）」 from the account menu: her number under the barcode, the narrow bar ≥ 2 px.
      await page.goto(`${BASE}/account`);
      await main.getByRole("link", { name: "利用カード（バーコード）" }).click();
      await page.waitForURL(`${BASE}/account/card`);
      assert.equal(await h1(page), "利用カード（バーコード）");
      await fits(page, "利用カード");
      assert.equal((await main.locator(".card-number").textContent())?.trim(), `図書館カード番号 ${MIDORI.card}`, "the number printed under the barcode, as text");
      assert.ok(await main.locator(".card-number").evaluate((el) => el.getBoundingClientRect().top > document.querySelector("svg.card-barcode")!.getBoundingClientRect().bottom - 1), "under the barcode");
      await main.getByRole("img", { name: `図書館カード番号 ${MIDORI.card} のバーコード（NW-7）` }).waitFor();
      const svg = await main.locator("svg.card-barcode").evaluate((el) => ({
        shown: el.getBoundingClientRect().width,
        viewBox: Number(el.getAttribute("viewBox")!.split(" ")[2]),
        narrow: Number(el.getAttribute("data-narrow")),
      }));
      const narrowPx = (svg.shown / svg.viewBox) * svg.narrow;
      assert.ok(narrowPx >= 2, `the narrow bar is ${narrowPx.toFixed(2)} px at 320 px (≥ 2)`);

      // axe on the card page: scripts on, the same session.
      const axeContext = await browser.newContext({ storageState: await context.storageState(), viewport: { width: 320, height: 800 }, locale: "ja-JP", bypassCSP: true });
      try {
        const axePage = await axeContext.newPage();
        await axePage.goto(`${BASE}/account/card`);
        assert.equal(await axePage.getByRole("heading", { level: 1 }).innerText(), "利用カード（バーコード）");
        const violations = await axeViolations(axePage);
        assert.deepEqual(violations, [], describeViolations(violations));
      } finally {
        await axeContext.close();
      }
      assert.deepEqual(statuses, [], "no 5xx on the way");
    } finally {
      await context.close();
    }
  });
});
