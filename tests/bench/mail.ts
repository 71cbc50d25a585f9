// `npm run bench` (issue 9): the outbox sender under load. 2,000 pending mails to 1,000 confirmed addresses, sent by
// the send-mail job through `/__scheduled` (wrangler dev --test-scheduled) with the dev mailbox as the provider; two
// runs are fired at once every time (overlapping Cron Triggers), until the outbox is empty. Figures: seconds,
// mails per second, runs, and what the guarantees promise — every event sent exactly once (dev_mail rows per event
// key), no row left pending, every attempt recorded.
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { CRON_MAIL } from "../../worker/src/jobs/schedule.ts";

const MAILS = 2_000;
const PATRONS = 1_000;
const PREFIX = "2930";
type D1 = Awaited<ReturnType<typeof openLocalPlatform>>["d1"];
const seq = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`;

async function cleanup(d1: D1): Promise<void> {
  for (const q of [
    `DELETE FROM dev_mail WHERE event_key LIKE 'bench-mail:%'`,
    `DELETE FROM mail_outbox WHERE dedupe_key LIKE 'bench-mail:%'`,
    `DELETE FROM patrons WHERE card_number LIKE '${PREFIX}%'`,
  ]) await d1.prepare(q).run();
}

export async function mailBench(base: string) {
  const platform = await openLocalPlatform();
  const d1 = platform.d1;
  try {
    await cleanup(d1);
    const now = Date.now();
    await d1
      .prepare(
        `INSERT INTO patrons (card_number, name, birth_date, phone, phone_digits, home_branch_id, status, created_at)
         ${seq(PATRONS)} SELECT '${PREFIX}' || printf('%07d', i), 'ベンチ 利用者' || i, '1990-01-01', '093-000-0000', '0930000000',
           (SELECT id FROM branches WHERE is_pickup = 1 ORDER BY id LIMIT 1), 'active', ${now} FROM n`,
      )
      .run();
    await d1
      .prepare(
        `INSERT INTO mail_addresses (patron_id, address, confirmed_at, created_at)
         SELECT id, 'bench' || substr(card_number, 5) || '@example.jp', ${now}, ${now} FROM patrons WHERE card_number LIKE '${PREFIX}%'`,
      )
      .run();
    await d1
      .prepare(
        `INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
         ${seq(MAILS)} SELECT m.patron_id, m.address, m.id, 'test_mail', 'ベンチ', '本文 ' || n.i, 'bench-mail:' || n.i, 'pending', ${now - 60_000}, ${now}
         FROM n JOIN (SELECT m.*, row_number() OVER (ORDER BY m.id) - 1 AS k FROM mail_addresses m JOIN patrons p ON p.id = m.patron_id WHERE p.card_number LIKE '${PREFIX}%') m ON m.k = n.i % ${PATRONS}`,
      )
      .run();
    const pending = async () =>
      (await d1.prepare(`SELECT count(*) AS n FROM mail_outbox WHERE dedupe_key LIKE 'bench-mail:%' AND status IN ('pending', 'sending')`).first<{ n: number }>())!.n;
    const queued = await pending();
    const t0 = performance.now();
    let runs = 0;
    let left = queued;
    const deadline = Date.now() + 10 * 60_000;
    while (left > 0 && Date.now() < deadline) {
      // Two overlapping runs, as two Cron Triggers that fire at once would be.
      const answers = await Promise.all([0, 1].map(() => fetch(`${base}/__scheduled?cron=${encodeURIComponent(CRON_MAIL)}`).then((r) => r.arrayBuffer())));
      runs += answers.length;
      left = await pending();
    }
    const seconds = (performance.now() - t0) / 1000;
    const one = async (q: string) => (await d1.prepare(q).first<{ n: number }>())!.n;
    const sent = await one(`SELECT count(*) AS n FROM mail_outbox WHERE dedupe_key LIKE 'bench-mail:%' AND status = 'sent'`);
    const delivered = await one(`SELECT count(*) AS n FROM dev_mail WHERE event_key LIKE 'bench-mail:%'`);
    const duplicates = await one(`SELECT count(*) AS n FROM (SELECT event_key FROM dev_mail WHERE event_key LIKE 'bench-mail:%' GROUP BY event_key HAVING count(*) > 1)`);
    const attempts = await one(`SELECT count(*) AS n FROM mail_attempts WHERE outbox_id IN (SELECT id FROM mail_outbox WHERE dedupe_key LIKE 'bench-mail:%')`);
    await cleanup(d1);
    return {
      mails: queued,
      via: `wrangler dev --test-scheduled, two GET /__scheduled?cron=${CRON_MAIL} at once until the outbox is empty; the dev mailbox as the provider`,
      runs,
      seconds: Math.round(seconds * 100) / 100,
      mails_per_second: Math.round((sent / seconds) * 10) / 10,
      sent,
      delivered,
      duplicates,
      attempts_recorded: attempts,
      left,
    };
  } finally {
    await platform.dispose();
  }
}
