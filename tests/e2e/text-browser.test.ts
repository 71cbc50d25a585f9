// Issue 6 items 1, 3, 6: a patron's journey in a real text browser (Lynx) against `wrangler dev`:
//   home → type a search → first hit → 「予約カートに入れる」 → 予約カート → 「解除」 → 「元に戻す」 → 「ログイン」
//   (/login?next=/cart: Lynx sends no Referer from a URL with a query string) → 2100000001 / Tosho2026 → the cart is
//   still there → 「予約申込へ進む」 → 「予約申込」 → 「予約しました。」 → 「予約状況一覧」 (the new hold listed) →
//   「利用者情報メンテナンス」 → 「貸出状況一覧」 (the demo loans) → 「利用者情報メンテナンス」 → 「ログアウト」 → the
//   browser's cart is empty (issue 10 item 4, R50: the whole patron side in a text browser, no JavaScript).
// Lynx is driven interactively, as a patron would: keystrokes go to `lynx -cmd_script` through a FIFO, one page at a
// time; after each page the test prints the screen to a file (Lynx's P)rint → "Save to a local file", numbered links
// and fields included) and asserts on that dump, then moves to a numbered link or field with Down Arrow and presses
// Enter. So the cookies, the Referer (or its absence), the form encoding and the redirects are Lynx's own. It works
// only because local development sends cookies without `__Host-`/Secure (Lynx never returns a Secure cookie over
// http) and because a valid CSRF token is enough when Origin, Referer and fetch metadata are all absent.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BASE } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

const LYNX = "/usr/bin/lynx";
const TARO = { card: "2100000001", password: "Tosho2026", name: "北九 太郎" };
/** An ASCII query (cmd_script keystrokes are bytes): NDL's ONE PIECE records. */
const QUERY = "PIECE";

/** One interactive Lynx, fed keystrokes through a FIFO; `page()` prints the current screen to a file and reads it. */
class Lynx {
  private readonly dir = mkdtempSync(path.join(tmpdir(), "shiori-lynx-"));
  private readonly fifo = path.join(this.dir, "keys");
  private child: ChildProcess | undefined;
  private fd = -1;
  private pages = 0;
  private output = "";

  start(url: string): void {
    const mk = spawnSync("mkfifo", [this.fifo]);
    if (mk.status !== 0) throw new Error(`mkfifo failed: ${mk.stderr}`);
    const cfg = path.join(this.dir, "lynx.cfg");
    // A fresh profile: accept cookies without asking, UTF-8 screen, numbered links and form fields.
    spawnSync("sh", ["-c", `printf 'ACCEPT_ALL_COOKIES:TRUE\\nSET_COOKIES:TRUE\\nCHARACTER_SET:utf-8\\n' > '${cfg}'`]);
    const cmd = `${LYNX} -cfg=${cfg} -number_fields -accept_all_cookies -cmd_script=${this.fifo} '${url}'`;
    // `script` gives Lynx the terminal it insists on.
    this.child = spawn("script", ["-q", "-c", cmd, "/dev/null"], { env: { ...process.env, TERM: "vt100", HOME: this.dir }, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (d) => (this.output = (this.output + d).slice(-4000)));
    this.fd = openSync(this.fifo, "w"); // blocks until Lynx opens its script
  }

  private send(keys: string[]): void {
    writeSync(this.fd, keys.map((k) => `key ${k}\n`).join(""));
  }

  type(text: string): void {
    this.send([...text]);
  }

  /** Moves to link/field `n` (1-based, Lynx's numbering): ^A (Home) to the top, where the first link is current,
   *  then Down Arrow n−1 times (Down moves link by link, fields included). */
  moveTo(n: number): void {
    this.send(["^A", ...Array.from({ length: n - 1 }, () => "Down Arrow")]);
  }

  /** Moves `count` links/fields down from where the cursor is. */
  down(count: number): void {
    this.send(Array.from({ length: count }, () => "Down Arrow"));
  }

  enter(): void {
    this.send(["^J"]);
  }

  /** ^R: fetch the current page again. */
  reload(): void {
    this.send(["^R"]);
  }

  /** The screen as Lynx renders the current page (its P)rint → Save to a local file), once Lynx has written it. */
  async page(): Promise<string> {
    const file = path.join(this.dir, `page-${++this.pages}.txt`);
    this.send(["p", "^J", "^U", ...file, "^J"]);
    for (let i = 0; i < 400; i++) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) throw new Error(`lynx exited: ${this.output}`);
      if (existsSync(file)) {
        const size = statSync(file).size;
        await sleep(100);
        if (size > 0 && statSync(file).size === size) return readFileSync(file, "utf8");
      } else {
        await sleep(50);
      }
    }
    throw new Error(`lynx wrote no page ${file}; screen tail: ${this.output.slice(-600)}`);
  }

  async quit(): Promise<void> {
    if (this.fd >= 0) {
      try {
        this.send(["q", "y"]);
      } catch {
        // already gone
      }
      closeSync(this.fd);
      this.fd = -1;
    }
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once("exit", r));
      await Promise.race([exited, sleep(5000)]);
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The number Lynx gives the first link on the first line matching `pattern` (its `[N]` marker). */
function numberOf(page: string, pattern: RegExp): number {
  const line = page.split("\n").find((l) => pattern.test(l));
  const n = line ? /\[(\d+)\]/.exec(line)?.[1] : undefined;
  if (!n) throw new Error(`no numbered link matching ${pattern} on the page:\n${page}`);
  return Number(n);
}

/** The number of the first text field (`[N]____`) after `label` in the page (same line or below it). */
function fieldAfter(page: string, label: string): number {
  const at = page.indexOf(label);
  const n = at >= 0 ? /\[(\d+)\]_/.exec(page.slice(at))?.[1] : undefined;
  if (!n) throw new Error(`no field after ${label}:\n${page}`);
  return Number(n);
}

function button(page: string, label: string, which: "first" | "last" = "first"): number {
  const re = new RegExp(`\\(\\[(\\d+)\\]BUTTON\\) ${label}`, "g");
  const all = [...page.matchAll(re)].map((m) => Number(m[1]));
  const n = which === "first" ? all[0] : all.at(-1);
  if (n === undefined) throw new Error(`no button ${label}:\n${page}`);
  return n;
}

function link(page: string, label: string, which: "first" | "last" = "first"): number {
  const all = [...page.matchAll(new RegExp(`\\[(\\d+)\\]${label}`, "g"))].map((m) => Number(m[1]));
  const n = which === "first" ? all[0] : all.at(-1);
  if (n === undefined) throw new Error(`no link ${label}:\n${page}`);
  return n;
}

/** The header: everything before the search form's label. */
function headerOf(page: string): string {
  return page.slice(0, page.indexOf("資料を探す（"));
}

async function cartLinesOf(card: string): Promise<number> {
  const platform = await openLocalPlatform();
  try {
    const row = await platform.d1
      .prepare("SELECT count(*) AS n FROM cart_lines WHERE patron_id = (SELECT id FROM patrons WHERE card_number = ?1)")
      .bind(card)
      .first<{ n: number }>();
    return row?.n ?? 0;
  } finally {
    await platform.dispose();
  }
}

/** Issue 10 item 4: the highest hold id now, so the holds this test places can be removed again afterwards. */
async function lastHoldId(): Promise<number> {
  const platform = await openLocalPlatform();
  try {
    return (await platform.d1.prepare("SELECT coalesce(max(id), 0) AS n FROM holds").first<{ n: number }>())!.n;
  } finally {
    await platform.dispose();
  }
}

async function removeHoldsAfter(card: string, id: number): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    await platform.d1
      .prepare("DELETE FROM holds WHERE id > ?1 AND patron_id = (SELECT id FROM patrons WHERE card_number = ?2)")
      .bind(id, card)
      .run();
  } finally {
    await platform.dispose();
  }
}

async function clearCart(card: string): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    await platform.d1.prepare("DELETE FROM cart_lines WHERE patron_id = (SELECT id FROM patrons WHERE card_number = ?1)").bind(card).run();
  } finally {
    await platform.dispose();
  }
}

describe("issue 6 item 6: a text-browser journey (Lynx)", () => {
  const lynx = new Lynx();
  let holdsBefore = 0;

  before(async () => {
    assert.ok(existsSync(LYNX), "the text-browser test needs Lynx: apt-get install -y lynx (.ci/run does this)");
    await clearCart(TARO.card);
    holdsBefore = await lastHoldId();
  });

  after(async () => {
    await lynx.quit();
    await clearCart(TARO.card);
    await removeHoldsAfter(TARO.card, holdsBefore);
  });

  it("R50: search → record → 「予約カートに入れる」 → cart → 「解除」/「元に戻す」 → login → 「予約申込」 → 「予約状況一覧」 → 「貸出状況一覧」 → ログアウト", async () => {
    lynx.start(`${BASE}/`);

    // Home: the header claims no state; 「利用者情報メンテナンス」 is in the header list, and nothing else is.
    let page = await lynx.page();
    const header = headerOf(page);
    assert.match(header, /\* \[\d+\]予約カートを見る\n\s*\* \[\d+\]利用者情報メンテナンス\n/);
    assert.doesNotMatch(header, /ログイン|ログアウト/);
    assert.doesNotMatch(header, /^\s*\*\s*$/m, "no empty list item from the island bootstrap");
    // Issue 7: 「予約申込」 works now; the home page no longer says it cannot be done.
    assert.doesNotMatch(page, /まだできません/);

    // Search: type into the header's box and press Enter.
    // Lynx's printed screen garbles the box's own line (a wide-character line), so its number is read off the
    // form's 検索 button: the box is the field just before it (issue 6: the page has no second box).
    const search = Number(/\(\[(\d+)\]BUTTON\) 検索/.exec(page.slice(page.indexOf("資料を探す（")))![1]);
    const box = search - 1;
    lynx.moveTo(box);
    lynx.type(QUERY);
    lynx.down(search - box);
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /「PIECE」の検索結果/);
    assert.match(page, /\d+件見つかりました/);

    // The first hit. Its page is read with a separate `lynx -dump` (a static page, the same for everyone): printing
    // it inside the session would make Lynx's print menu the referring document, and the record page's tokenless
    // form needs Lynx's own Referer.
    const hit = numberOf(page, /^\s*1\. \[\d+\]/);
    const recordUrl = new RegExp(`^\\s*${hit}\\. (http\\S+)$`, "m").exec(page)?.[1];
    assert.ok(recordUrl, `the first hit's address:\n${page}`);
    const record = spawnSync(LYNX, ["-dump", "-number_fields", "-width=200", recordUrl], { encoding: "utf8" }).stdout;
    assert.match(record, /ONE PIECE/);
    lynx.moveTo(hit);
    lynx.enter();

    // 「予約カートに入れる」 (the static page's form: Lynx sends the record page as Referer).
    lynx.moveTo(button(record, "予約カートに入れる"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /を予約カートに入れました。/);
    assert.match(page, /予約カートの資料: 1冊/);
    assert.doesNotMatch(page, /Cookie（クッキー）を受け入れる/);

    // 「解除」 from /cart?added=… (no Referer from a URL with a query string: the token is enough), then 「元に戻す」.
    lynx.moveTo(button(page, "解除"));
    lynx.enter();
    page = await lynx.page();
    assert.doesNotMatch(page, /この操作は受け付けられませんでした/);
    assert.match(page, /を予約カートから解除しました。/);
    assert.match(page, /予約カートに資料はありません。/);
    lynx.moveTo(button(page, "元に戻す"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /を予約カートに入れました。/);
    assert.match(page, /予約カートの資料: 1冊/);

    // 「ログイン」 from the cart: /login?next=%2Fcart.
    lynx.moveTo(link(page, "ログイン\\n", "last"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /^\s*ログイン\s*$/m);
    const card = fieldAfter(page, "図書館カード番号\n");
    const password = fieldAfter(page, "   パスワード\n");
    const submit = button(page, "ログイン");
    lynx.moveTo(card);
    lynx.type(TARO.card);
    lynx.down(password - card);
    lynx.type(TARO.password);
    lynx.down(submit - password);
    lynx.enter();
    page = await lynx.page();
    assert.doesNotMatch(page, /この操作は受け付けられませんでした/, "login from /login?next=… is not refused as CSRF");
    assert.match(page, /^\s*予約カート\s*$/m, "back at the cart (next=/cart)");
    assert.match(headerOf(page), new RegExp(`${TARO.name} さん`));
    assert.doesNotMatch(headerOf(page), /\]ログイン/);
    assert.match(page, /予約カートの資料: 1冊/, "the line collected before the login is the patron's now");
    assert.equal(await cartLinesOf(TARO.card), 1);

    // Issue 10 item 4 (R50): 「予約申込」 from the cart — the form's defaults (pickup branch, contact) are kept.
    lynx.moveTo(link(page, "予約申込へ進む"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /受取館/);
    lynx.moveTo(button(page, "予約申込", "last"));
    lynx.enter();
    page = await lynx.page();
    assert.doesNotMatch(page, /この操作は受け付けられませんでした/);
    assert.match(page, /1件を予約しました。/, `the answer:\n${page}`);
    assert.match(page, /予約しました。/);
    assert.equal(await cartLinesOf(TARO.card), 0, "the placed line left the cart");

    // 「予約状況一覧」 from the answer: the new hold is listed, with the demo's holds.
    lynx.moveTo(link(page, "予約状況一覧"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /^\s*予約状況一覧\s*$/m);
    assert.match(page, /ONE PIECE/);
    assert.match(page, /三四郎/);

    // 「利用者情報メンテナンス」 → 「貸出状況一覧」: the demo patron's two loans.
    lynx.moveTo(link(page, "利用者情報メンテナンス"));
    lynx.enter();
    page = await lynx.page();
    lynx.moveTo(link(page, "貸出状況一覧"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /^\s*貸出状況一覧\s*$/m);
    assert.match(page, /吾輩は猫である/);
    assert.match(page, /坊っちゃん/);

    // 「利用者情報メンテナンス」 in the header → the menu, with 「ログアウト」.
    lynx.moveTo(link(page, "利用者情報メンテナンス"));
    lynx.enter();
    page = await lynx.page();
    assert.match(page, /^\s*利用者情報メンテナンス\s*$/m);
    assert.match(page, /パスワード変更/);
    lynx.moveTo(button(page, "ログアウト", "last"));
    lynx.enter();
    page = await lynx.page();
    assert.doesNotMatch(page, /この操作は受け付けられませんでした/);
    assert.doesNotMatch(headerOf(page), new RegExp(TARO.name));

    // The browser's cart is empty (the patron's line became a hold).
    lynx.moveTo(link(page, "予約カートを見る"));
    lynx.enter();
    lynx.reload(); // Lynx shows /cart from its history cache otherwise
    page = await lynx.page();
    assert.match(page, /予約カートに資料はありません。/);
    assert.equal(await cartLinesOf(TARO.card), 0);
  });
});
