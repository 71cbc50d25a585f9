// Issue 6 item 5: migration 0004 rebuilds holds, loans and mail_outbox (SQLite cannot ALTER a CHECK). On a
// database that already has rows — migrated to 0003, filled, then migrated on — every row survives with its
// values, an ordered group can then be deleted, and no foreign key dangles. (drizzle-kit's generated copy once
// selected columns the old table did not have: this test is what catches that.)
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";

const DB = env.MIGRATION_DB;

const q = <T>(sqlText: string) => DB.prepare(sqlText).all<T>().then((r) => r.results);

beforeAll(async () => {
  const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0004");
  expect(before.map((m) => m.name)).toEqual(["0000_init.sql", "0001_search_and_invariants.sql", "0002_auth.sql", "0003_search_keys.sql"]);
  await applyD1Migrations(DB, before);
  await DB.batch(
    [
      "INSERT INTO branches (id, code, name, in_city, is_pickup) VALUES (1, 'chuo', '中央図書館', 1, 1), (2, 'pref', '県立図書館', 0, 0)",
      "INSERT INTO records (id, source, source_id, title, created_at, updated_at) VALUES (1, 't', '1', '上巻', 0, 0), (2, 't', '2', '下巻', 0, 0)",
      "INSERT INTO items (id, barcode, record_id, branch_id, loanable, status, created_at) VALUES (1, 'B1', 1, 1, 1, 'on_loan', 0), (2, 'B2', 2, 1, 1, 'in_transit', 0), (3, 'B3', 2, 1, 1, 'on_shelf', 0)",
      "INSERT INTO patrons (id, card_number, name, birth_date, phone_digits, phone, home_branch_id, created_at) VALUES (1, '2100000001', '甲', '1990-01-01', '0935551234', '093-555-1234', 1, 0)",
      "INSERT INTO staff_users (id, login, hash, role, branch_id, created_at) VALUES (1, 'counter', 'x', 'counter', 1, 0)",
      "INSERT INTO hold_groups (id, patron_id, created_at) VALUES (1, 1, 0)",
      "INSERT INTO holds (id, patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, group_id, group_position, created_at, updated_at) VALUES (1, 1, 1, 'web', 1, 'none', 'waiting', 5, 1, 1, 0, 0)",
      "INSERT INTO holds (id, patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, item_id, ready_at, contact_date, shelf_until, group_id, group_position, created_at, updated_at) VALUES (2, 1, 2, 'opac', 1, 'mail', 'ready', 6, 2, 7, '2026-11-02', '2026-11-10', 1, 2, 0, 0)",
      "INSERT INTO holds (id, patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, cancelled_at, cancel_reason, created_at, updated_at) VALUES (3, 1, 2, 'paper', 1, 'phone', 'cancelled', 4, 8, 'expired', 0, 0)",
      "INSERT INTO mail_outbox (id, to_address, kind, subject, body, dedupe_key, status, attempts, created_at, sent_at) VALUES (1, 'a@example.jp', 'hold_ready', '件名', '本文', 'hold-ready:2', 'sending', 1, 9, NULL), (2, 'a@example.jp', 'address_confirmation', '件名', '本文', 'confirm:1', 'sent', 1, 9, 12)",
    ].map((s) => DB.prepare(s)),
  );
  await applyD1Migrations(DB, env.TEST_MIGRATIONS);
});

describe("0004 on a database with rows", () => {
  it("keeps every hold with its values", async () => {
    expect(await q("SELECT id, status, channel, contact, group_id, group_position, item_id, shelf_until, cancel_reason FROM holds ORDER BY id")).toEqual([
      { id: 1, status: "waiting", channel: "web", contact: "none", group_id: 1, group_position: 1, item_id: null, shelf_until: null, cancel_reason: null },
      { id: 2, status: "ready", channel: "opac", contact: "mail", group_id: 1, group_position: 2, item_id: 2, shelf_until: "2026-11-10", cancel_reason: null },
      { id: 3, status: "cancelled", channel: "paper", contact: "phone", group_id: null, group_position: null, item_id: null, shelf_until: null, cancel_reason: "expired" },
    ]);
  });

  it("places every copy (at its branch; a travelling one nowhere) and keeps the outbox, a leaseless 'sending' row due again", async () => {
    expect(await q("SELECT id, status, current_branch_id FROM items ORDER BY id")).toEqual([
      { id: 1, status: "on_loan", current_branch_id: 1 },
      { id: 2, status: "in_transit", current_branch_id: null },
      { id: 3, status: "on_shelf", current_branch_id: 1 },
    ]);
    expect(await q("SELECT id, kind, status, attempts, next_attempt_at, lease_id, sent_at FROM mail_outbox ORDER BY id")).toEqual([
      { id: 1, kind: "hold_ready", status: "pending", attempts: 1, next_attempt_at: 0, lease_id: null, sent_at: null },
      { id: 2, kind: "address_confirmation", status: "sent", attempts: 1, next_attempt_at: 0, lease_id: null, sent_at: 12 },
    ]);
  });

  it("then lets the group be deleted, refuses an out-of-city pickup change, and leaves no foreign key dangling", async () => {
    await DB.prepare("DELETE FROM hold_groups WHERE id = 1").run();
    expect(await q("SELECT id FROM holds WHERE group_id IS NOT NULL OR group_position IS NOT NULL")).toEqual([]);
    await expect(DB.prepare("UPDATE holds SET pickup_branch_id = 2 WHERE id = 1").run()).rejects.toThrow(/pickup_not_allowed/);
    expect(await q("PRAGMA foreign_key_check")).toEqual([]);
  });
});
