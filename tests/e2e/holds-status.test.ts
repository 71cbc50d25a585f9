// Browser tests of 「予約状況一覧」 (R15, R16, R33, R34) in real Chromium at 320 px, JavaScript on and off: 2100000001
// logs in, opens 「予約状況一覧」 from 「利用者情報メンテナンス」, sees states, positions and estimates, an ordered chain on
// 夜明け前 第一部上・下, the pickup deadline and the phone sentence of a ready hold; changes a pickup library; cancels
// the first volume (through the confirmation page) and sees the second released. Placing holds is another part of
// issue 7, so the holds are written into the local D1 first (and again before each run: the runs change them).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const OTHERS = ["2100000004", "2100000005"];
const DAY = 24 * 60 * 60_000;
const CENTRAL_PHONE = "093-571-1481";

let browser: Browser;

interface Seeded {
  popular: number;
  ready: number;
  first: number;
  second: number;
}

/** 2100000001's holds for this test, made afresh: 3rd in the queue of a record with copies, a ready hold, and an
 *  ordered hold on 夜明け前 第一部上・下. Earlier runs' rows on these records are removed first. */
async function seed(): Promise<Seeded> {
  const platform = await openLocalPlatform();
  try {
    const d1 = platform.d1;
    const patron = async (card: string) => (await d1.prepare("SELECT id, home_branch_id FROM patrons WHERE card_number = ?").bind(card).first<{ id: number; home_branch_id: number }>())!;
    const taro = await patron(TARO.card);
    const others = await Promise.all(OTHERS.map(patron));
    const volume = async (label: string) =>
      (await d1.prepare("SELECT id FROM records WHERE title = '夜明け前' AND volume_label = ?").bind(label).first<{ id: number }>())!.id;
    const v1 = await volume("第一部上");
    const v2 = await volume("第一部下");
    const copies = await d1
      .prepare(
        `SELECT i.record_id AS id FROM items i JOIN branches b ON b.id = i.branch_id
         WHERE i.loanable = 1 AND b.in_city = 1 AND i.status IN ('on_shelf','on_loan') AND i.record_id NOT IN (?, ?)
         GROUP BY i.record_id HAVING count(*) >= 2 ORDER BY i.record_id LIMIT 2`,
      )
      .bind(v1, v2)
      .all<{ id: number }>();
    const [popular, ready] = copies.results.map((r) => r.id);
    assert.ok(popular && ready, "the demo catalogue has records with two loanable copies");
    const item = (await d1.prepare("SELECT id FROM items WHERE record_id = ? AND loanable = 1 ORDER BY id LIMIT 1").bind(ready).first<{ id: number }>())!.id;
    const patrons = [taro.id, ...others.map((o) => o.id)];
    const records = [popular, ready, v1, v2];
    await d1
      .prepare(`DELETE FROM holds WHERE patron_id IN (${patrons.map(() => "?").join(",")}) AND record_id IN (${records.map(() => "?").join(",")})`)
      .bind(...patrons, ...records)
      .run();
    await d1.prepare("DELETE FROM holds WHERE item_id = ? AND status IN ('in_transit','ready')").bind(item).run();
    const now = Date.now();
    const insert = (p: number, record: number, placedAt: number, extra: Record<string, unknown> = {}) => {
      const row: Record<string, unknown> = {
        patron_id: p,
        record_id: record,
        channel: "web",
        pickup_branch_id: taro.home_branch_id,
        contact: "none",
        status: "waiting",
        placed_at: placedAt,
        created_at: placedAt,
        updated_at: placedAt,
        ...extra,
      };
      const cols = Object.keys(row);
      return d1
        .prepare(`INSERT INTO holds (${cols.join(",")}) VALUES (${cols.map(() => "?").join(",")}) RETURNING id`)
        .bind(...cols.map((c) => row[c] as string | number | null))
        .first<{ id: number }>()
        .then((r) => r!.id);
    };
    await insert(others[0]!.id, popular, now - 3 * DAY);
    await insert(others[1]!.id, popular, now - 2 * DAY);
    const popularHold = await insert(taro.id, popular, now - DAY);
    const readyHold = await insert(taro.id, ready, now - 5 * DAY, { status: "ready", item_id: item, ready_at: now - DAY, contact_date: null, shelf_until: "2026-12-10" });
    const group = (await d1.prepare("INSERT INTO hold_groups (patron_id, created_at) VALUES (?, ?) RETURNING id").bind(taro.id, now).first<{ id: number }>())!.id;
    const first = await insert(taro.id, v1, now - DAY / 2, { group_id: group, group_position: 1 });
    const second = await insert(taro.id, v2, now - DAY / 2, { group_id: group, group_position: 2 });
    return { popular: popularHold, ready: readyHold, first, second };
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const hold = (page: Page, id: number) => page.locator(`#hold-${id}`);

/** Until the HoldList island has hydrated, 「取消」 is the plain form (the confirmation page): wait for it. */
async function islandReady(page: Page): Promise<void> {
  await page.locator('astro-island[component-url*="HoldList"]:not([ssr])').waitFor({ state: "attached" });
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "JavaScript on" : "JavaScript off";
  describe(`「予約状況一覧」 at 320 px, ${mode}`, () => {
    it(`R33, R16, R15, R34: states, positions, the chain; change a pickup library; cancel a volume (${mode})`, async () => {
      const ids = await seed();
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/login?next=%2Faccount`);
      await page.getByLabel("図書館カード番号").fill(TARO.card);
      await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(`${BASE}/account`);
      await page.getByRole("main").getByRole("link", { name: "予約状況一覧" }).click();
      await page.waitForURL(`${BASE}/holds`);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "予約状況一覧");

      // R33 states, R16 position and estimate, R15 chain.
      const popular = hold(page, ids.popular);
      assert.match(await popular.innerText(), /予約中です/);
      assert.match(await popular.innerText(), /予約順位（目安）3番目／所蔵\d+冊/);
      assert.match(await popular.innerText(), /目安：/);
      const ready = hold(page, ids.ready);
      assert.match(await ready.innerText(), /ご用意できました/);
      assert.match(await ready.innerText(), /お取り置き期限\s*2026年12月10日（木）まで/);
      assert.equal(await ready.getByRole("button").count(), 0, "no 取消 or 変更 on a ready hold");
      assert.match(await ready.innerText(), new RegExp(`お電話ください（.*${CENTRAL_PHONE}`));
      assert.match(await hold(page, ids.second).innerText(), /第一部下：第一部上のご用意後に確保します/);
      assert.match(await page.getByRole("main").innerText(), /申込書による予約は受付日時の順/);

      // R50: nothing wider than the phone; axe-clean (the confirmation page too, below).
      const wide = await page.evaluate(() =>
        Array.from(document.querySelectorAll("main *"))
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}: ${Math.round(el.getBoundingClientRect().right)}`),
      );
      assert.deepEqual(wide, [], "nothing wider than the 320-px screen");
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320, "no horizontal scrolling at 320 px");
      if (javaScriptEnabled) {
        // axe-core runs as a script: only where the page runs scripts (the markup is the same either way).
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }

      // R34: change the pickup library.
      await popular.getByLabel("受取館").selectOption({ label: "門司図書館" });
      await popular.getByRole("button", { name: "変更" }).click();
      await page.waitForURL(`${BASE}/holds?changed=${ids.popular}`);
      await page.getByRole("status").getByText("受取館・連絡方法を変更しました").waitFor();
      assert.match(await hold(page, ids.popular).innerText(), /受取館\s*門司図書館/);

      // R34: cancel the first volume; R15: the second is released. Without JavaScript through the confirmation page;
      // with it, the HoldList island asks with the browser's dialog and calls the same route, with no page reload.
      if (javaScriptEnabled) {
        await islandReady(page);
        await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
        page.once("dialog", (dialog) => {
          assert.match(dialog.message(), /予約を取り消しますか/);
          void dialog.accept();
        });
        await hold(page, ids.first).getByRole("button", { name: "取消" }).click();
      } else {
        await hold(page, ids.first).getByRole("button", { name: "取消" }).click();
        await page.getByRole("heading", { level: 1, name: "予約の取消" }).waitFor();
        await page.getByRole("button", { name: "取り消す" }).click();
      }
      await page.waitForURL(`${BASE}/holds?cancelled=${ids.first}`);
      await page.getByRole("status").getByText("予約を取り消しました").waitFor();
      assert.match(await hold(page, ids.first).innerText(), /取り消し（ご本人による取消）/);
      assert.equal(await hold(page, ids.first).getByRole("button").count(), 0);
      assert.match(await hold(page, ids.second).innerText(), /第一部下：順番が来しだい確保します/);
      if (javaScriptEnabled) {
        assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, "「取消」 did not reload the page");
        // The island's list is the Worker's: its forms still work (the next change posts as before).
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }
      await context.close();
    });

    it(`R34: 「取消」 cancels nothing until confirmed (${mode})`, async () => {
      const ids = await seed();
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/login?next=%2Fholds`);
      await page.getByLabel("図書館カード番号").fill(TARO.card);
      await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(`${BASE}/holds`);
      if (javaScriptEnabled) {
        await islandReady(page);
        page.once("dialog", (dialog) => void dialog.dismiss());
      }
      await hold(page, ids.popular).getByRole("button", { name: "取消" }).click();
      if (javaScriptEnabled) {
        // Dismissed: nothing was sent, the hold still waits.
        assert.match(await hold(page, ids.popular).innerText(), /予約中です/);
      } else {
        await page.getByRole("heading", { level: 1, name: "予約の取消" }).waitFor();
        await page.getByRole("link", { name: /取り消さずに予約状況一覧へ戻る/ }).click();
        await page.waitForURL(`${BASE}/holds`);
        assert.match(await hold(page, ids.popular).innerText(), /予約中です/);
      }
      await context.close();
    });
  });
}

describe("the HoldList island under the site's Content-Security-Policy", () => {
  it("hydrates on /holds with the CSP enforced (no inline script refused)", async () => {
    await seed();
    const context = await newContext(browser, { width: 320, bypassCSP: false });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${BASE}/login?next=%2Fholds`);
    await page.getByLabel("図書館カード番号").fill(TARO.card);
    await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${BASE}/holds`);
    await islandReady(page);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
