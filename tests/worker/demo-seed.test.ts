// The demo library that `npm start` loads: safe to run again, never duplicates, never undoes a change.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fixtureText from "@data/fixtures/demo.json?raw";
import { createDb } from "../../worker/src/data/db.ts";
import { seedDemo, type DemoFixture } from "../../db/seed/demo.ts";
import { verifyPassword } from "../../worker/src/services/password-hash.ts";

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
