// Issue 6 item 5: migration 0004 rebuilds holds, loans and mail_outbox (SQLite cannot ALTER a CHECK). On a
// database that already has rows — migrated to 0003, filled, then migrated on — every row survives with its
// values, an ordered group can then be deleted, and no foreign key dangles. (drizzle-kit's generated copy once
// selected columns the old table did not have: this test is what catches that.)
// Issue 9: migration 0008 rebuilds mail_outbox again (statuses dead/cancelled, compose-at-send columns): rows written
// under 0007 survive; 'failed' (given up) becomes 'dead', ended when it was last tried; a confirmation link issued
// before links expired gets 24 hours from its address's registration.
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
  // Issue 9: on to 0007, rows of the outbox and addresses as issue 8 left them, then 0008.
  const before0008 = env.TEST_MIGRATIONS.filter((m) => m.name < "0008");
  expect(before0008.at(-1)!.name).toBe("0007_issue8_circulation.sql");
  await applyD1Migrations(DB, before0008);
  await DB.batch(
    [
      "INSERT INTO mail_addresses (id, patron_id, address, confirm_token_hash, confirmed_at, created_at) VALUES (1, 1, 'taro@example.jp', 'hash-1', NULL, 1000), (2, 1, 'taro@docomo.ne.jp', NULL, 900, 800)",
      "INSERT INTO mail_outbox (id, patron_id, to_address, kind, subject, body, dedupe_key, status, attempts, last_error, next_attempt_at, created_at) VALUES (3, 1, 'taro@example.jp', 'hold_ready', '件名', '本文', 'hold-ready:9', 'failed', 8, 'E_DELIVERY_FAILED: refused', 500, 100), (4, 1, 'taro@example.jp', 'address_confirmation', '件名', '本文', 'confirm:1:1000', 'pending', 0, NULL, 700, 600), (5, NULL, 'b@example.jp', 'hold_ready', '件名', '本文', 'hold-ready:8', 'failed', 3, 'x', 0, 300)",
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
    expect(await q("SELECT id, kind, status, attempts, next_attempt_at, lease_id, sent_at FROM mail_outbox WHERE id <= 2 ORDER BY id")).toEqual([
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

describe("0008 on a database with rows (issue 9)", () => {
  it("keeps every outbox row; 'failed' is now 'dead', ended when it was last tried; the new columns start empty", async () => {
    expect(await q("SELECT id, status, attempts, last_error, next_attempt_at, ended_at, address_id, hold_id, loan_id, provider_message_id, subject FROM mail_outbox ORDER BY id")).toEqual([
      { id: 1, status: "pending", attempts: 1, last_error: null, next_attempt_at: 0, ended_at: null, address_id: null, hold_id: null, loan_id: null, provider_message_id: null, subject: "件名" },
      { id: 2, status: "sent", attempts: 1, last_error: null, next_attempt_at: 0, ended_at: null, address_id: null, hold_id: null, loan_id: null, provider_message_id: null, subject: "件名" },
      { id: 3, status: "dead", attempts: 8, last_error: "E_DELIVERY_FAILED: refused", next_attempt_at: 500, ended_at: 500, address_id: null, hold_id: null, loan_id: null, provider_message_id: null, subject: "件名" },
      { id: 4, status: "pending", attempts: 0, last_error: null, next_attempt_at: 700, ended_at: null, address_id: null, hold_id: null, loan_id: null, provider_message_id: null, subject: "件名" },
      { id: 5, status: "dead", attempts: 3, last_error: "x", next_attempt_at: 0, ended_at: 300, address_id: null, hold_id: null, loan_id: null, provider_message_id: null, subject: "件名" },
    ]);
    expect(await q("SELECT count(*) AS n FROM mail_outbox WHERE status = 'failed'")).toEqual([{ n: 0 }]);
  });

  it("refuses 'failed' from now on, and a dead row without its end", async () => {
    await expect(DB.prepare("INSERT INTO mail_outbox (to_address, kind, subject, body, dedupe_key, status, created_at) VALUES ('c@example.jp', 'test_mail', 's', 'b', 'k-failed', 'failed', 1)").run()).rejects.toThrow(/CHECK/);
    await expect(DB.prepare("INSERT INTO mail_outbox (to_address, kind, subject, body, dedupe_key, status, created_at) VALUES ('c@example.jp', 'test_mail', 's', 'b', 'k-dead', 'dead', 1)").run()).rejects.toThrow(/CHECK/);
  });

  it("R41: a link issued before links expired works for 24 hours from its address's registration; a confirmed address has none", async () => {
    expect(await q("SELECT id, confirm_token_hash, confirm_expires_at, confirmed_at, updated_at FROM mail_addresses ORDER BY id")).toEqual([
      { id: 1, confirm_token_hash: "hash-1", confirm_expires_at: 1000 + 86_400_000, confirmed_at: null, updated_at: null },
      { id: 2, confirm_token_hash: null, confirm_expires_at: null, confirmed_at: 900, updated_at: null },
    ]);
    expect(await q("PRAGMA foreign_key_check")).toEqual([]);
  });
});
