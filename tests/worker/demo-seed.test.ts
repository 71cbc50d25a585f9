// The demo library that `npm start` loads: safe to run again, never duplicates, never undoes a change.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fixtureText from "@data/fixtures/demo.json?raw";
import { createDb } from "../../worker/src/data/db.ts";
import { seedDemo, type DemoFixture } from "../../db/seed/demo.ts";
import { verifyPassword } from "../../worker/src/services/password-hash.ts";
import { seedDemoCirculation } from "../../db/seed/circulation.ts";
import { addDays, tokyoDay } from "../../worker/src/domain/calendar.ts";
import { LOAN_DAYS } from "../../worker/src/domain/policy.ts";
import { decideRenewal } from "../../worker/src/domain/renewal.ts";
import { insertItem, insertRecord } from "../support/factories.ts";

const fixture = JSON.parse(fixtureText) as DemoFixture;
const PEPPER = "test-pepper";

async function count(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row!.n;
}

describe("demo library seed", () => {
  it("loads every branch, patron, staff user and terminal once, however often it runs", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, Date.UTC(2026, 10, 28));
    await seedDemo(db, fixture, PEPPER, Date.UTC(2026, 10, 29));
    expect(await count("branches")).toBe(fixture.branches.length);
    expect(await count("patrons")).toBe(fixture.patrons.length);
    expect(await count("staff_users")).toBe(fixture.staff.length);
    expect(await count("opac_terminals")).toBe(fixture.opacTerminals.length);
    expect(await count("mail_addresses")).toBe(fixture.patrons.reduce((n, p) => n + p.emails.length, 0));
  });

  it("R11/R12: in-city branches are pickup libraries, the prefectural library is not", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, 0);
    const rows = await env.DB.prepare("SELECT code, in_city, is_pickup FROM branches ORDER BY sort_order").all<{ code: string; in_city: number; is_pickup: number }>();
    expect(rows.results.filter((b) => b.is_pickup === 1)).toHaveLength(16);
    expect(rows.results.find((b) => b.code === "fukuokapref")).toMatchObject({ in_city: 0, is_pickup: 0 });
  });

  it("R03/R05: stores hashes, marks the counter-issued password temporary, gives 2100000003 none", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, 0);
    const rows = await env.DB.prepare(
      "SELECT p.card_number AS card, c.hash, c.temporary FROM patrons p LEFT JOIN credentials c ON c.patron_id = p.id ORDER BY p.card_number",
    ).all<{ card: string; hash: string | null; temporary: number | null }>();
    const byCard = new Map(rows.results.map((r) => [r.card, r]));
    expect(byCard.get("2100000001")!.hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(byCard.get("2100000001")!.hash).not.toContain("Tosho2026");
    expect((await verifyPassword("Tosho2026", byCard.get("2100000001")!.hash!, PEPPER)).ok).toBe(true);
    expect((await verifyPassword("tosho2026", byCard.get("2100000001")!.hash!, PEPPER)).ok).toBe(false);
    expect(byCard.get("2100000002")!.temporary).toBe(1);
    expect(byCard.get("2100000003")!.hash).toBeNull();
  });

  it("keeps a password the patron changed when it runs again", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, 0);
    await env.DB.prepare("UPDATE credentials SET hash = 'changed' WHERE patron_id = (SELECT id FROM patrons WHERE card_number = '2100000001')").run();
    await seedDemo(db, fixture, PEPPER, 1);
    const row = await env.DB.prepare("SELECT hash FROM credentials WHERE patron_id = (SELECT id FROM patrons WHERE card_number = '2100000001')").first<{ hash: string }>();
    expect(row!.hash).toBe("changed");
  });
});

// Issue 8 item 7: the demo's circulation (db/seed/circulation.ts), made by the counter's and the patron's services
// over a small catalogue with the demo's records (the real catalogue is imported by `npm run build`, not here).
describe("issue 8 item 7: 2100000001's demo loans and holds", () => {
  const NOW = Date.UTC(2026, 11, 2, 3, 0); // 2026-12-02 12:00 in Tokyo
  const DAY = 24 * 60 * 60_000;

  async function demoCatalogue(db: ReturnType<typeof createDb>): Promise<Map<string, number>> {
    const rows = await env.DB.prepare("SELECT id, code FROM branches").all<{ id: number; code: string }>();
    const branch = new Map(rows.results.map((b) => [b.code, b.id]));
    const records = new Map<string, number>();
    const add = async (title: string, at: [string, "on_shelf" | "on_loan"][]) => {
      const r = await insertRecord(db, { title, responsibility: "夏目 漱石 著", ndc: "914.6" });
      records.set(title, r.id);
      for (const [code, status] of at) await insertItem(db, { recordId: r.id, branchId: branch.get(code)!, status });
    };
    await add("吾輩は猫である", [["chuo", "on_shelf"]]);
    await add("坊っちゃん", [["chuo", "on_shelf"], ["moji", "on_loan"]]);
    await add("三四郎", [["yahatanishi", "on_loan"]]);
    await add("変な音", [["moji", "on_shelf"]]);
    await add("現代日本の開化", [["chuo", "on_shelf"]]);
    await add("こころ", [["shimago", "on_shelf"]]);
    return records;
  }

  const state = async () => ({
    holds: (
      await env.DB.prepare(
        `SELECT p.card_number AS card, r.title, h.status, h.cancel_reason AS cancelReason, h.pickup_branch_id AS pickup, h.shelf_until AS shelfUntil
         FROM holds h JOIN patrons p ON p.id = h.patron_id JOIN records r ON r.id = h.record_id ORDER BY h.id`,
      ).all<{ card: string; title: string; status: string; cancelReason: string | null; pickup: number; shelfUntil: string | null }>()
    ).results,
    loans: (
      await env.DB.prepare(
        `SELECT p.card_number AS card, r.title, l.due_date AS dueDate, l.renewals, l.returned_at AS returnedAt
         FROM loans l JOIN patrons p ON p.id = l.patron_id JOIN items i ON i.id = l.item_id JOIN records r ON r.id = i.record_id ORDER BY l.id`,
      ).all<{ card: string; title: string; dueDate: string; renewals: number; returnedAt: number | null }>()
    ).results,
    transits: await count("item_transits"),
    audit: await count("audit_log"),
    cart: await count("cart_lines"),
  });

  it("two loans (one renewable, one held by 2100000004) and a hold in each of the four states; a second run adds nothing", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, NOW);
    const records = await demoCatalogue(db);
    const first = await seedDemoCirculation(db, NOW);
    expect(first.done.length).toBeGreaterThan(0);
    const s = await state();
    const chuo = (await env.DB.prepare("SELECT id FROM branches WHERE code = 'chuo'").first<{ id: number }>())!.id;

    const taro = s.holds.filter((h) => h.card === "2100000001");
    expect(Object.fromEntries(taro.map((h) => [h.title, h.status]))).toEqual({
      三四郎: "waiting",
      変な音: "in_transit",
      現代日本の開化: "ready",
      こころ: "cancelled",
    });
    expect(taro.every((h) => h.pickup === chuo)).toBe(true);
    expect(taro.find((h) => h.title === "こころ")!.cancelReason).toBe("patron");
    // R21: ready yesterday at 中央図書館, on the shelf until 7 of its open days later.
    expect(taro.find((h) => h.title === "現代日本の開化")!.shelfUntil! > "2026-12-02").toBe(true);
    expect(s.holds.filter((h) => h.card === "2100000004").map((h) => [h.title, h.status])).toEqual([["坊っちゃん", "waiting"]]);
    expect(s.transits).toBe(1);

    // Borrowed 4 days ago for 14 days, not renewed; R31/R32 decide 「延長」 from the facts.
    expect(s.loans.map((l) => [l.card, l.title, l.dueDate, l.renewals, l.returnedAt])).toEqual([
      ["2100000001", "吾輩は猫である", addDays(tokyoDay(NOW - 4 * DAY), LOAN_DAYS), 0, null],
      ["2100000001", "坊っちゃん", addDays(tokyoDay(NOW - 4 * DAY), LOAN_DAYS), 0, null],
    ]);
    const othersHolding = async (title: string) =>
      (await env.DB.prepare(
        "SELECT count(*) AS n FROM holds h JOIN patrons p ON p.id = h.patron_id WHERE h.record_id = ? AND p.card_number <> '2100000001' AND h.status IN ('waiting','in_transit','ready')",
      )
        .bind(records.get(title)!)
        .first<{ n: number }>())!.n;
    const renewal = async (title: string) =>
      decideRenewal({ dueDate: s.loans.find((l) => l.title === title)!.dueDate, renewals: 0, interLibrary: false, returned: false, othersHolding: await othersHolding(title) }, tokyoDay(NOW));
    expect((await renewal("吾輩は猫である")).ok).toBe(true);
    expect(await renewal("坊っちゃん")).toEqual({ ok: false, reasons: ["renewal_held_by_others"] });
    // The counter's actions are audited like any day's; the placed lines left the cart.
    expect(s.audit).toBeGreaterThanOrEqual(4);
    expect(s.cart).toBe(0);

    const again = await seedDemoCirculation(db, NOW + DAY);
    expect(again.done).toEqual([]);
    expect(await state()).toEqual(s);
  });

  it("never undoes what the user did since: a loan returned at the counter stays returned, nothing is borrowed again", async () => {
    const db = createDb(env.DB);
    await seedDemo(db, fixture, PEPPER, NOW);
    if ((await count("loans")) === 0) {
      await demoCatalogue(db);
      await seedDemoCirculation(db, NOW);
    }
    await env.DB.prepare("UPDATE loans SET returned_at = ? WHERE id = (SELECT min(id) FROM loans)").bind(NOW + DAY).run();
    const before = await state();
    const again = await seedDemoCirculation(db, NOW + 2 * DAY);
    expect(again.done).toEqual([]);
    expect(await state()).toEqual(before);
  });
});
