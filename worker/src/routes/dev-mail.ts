// Issue 9 item 7: the dev mailbox (local development only; mail/dev-mailbox.ts devMailboxAllowed):
//   GET /dev/mail        「開発用メールボックス」: every kept mail, newest first (?to= one recipient's)
//   GET /dev/mail.json   the same as JSON: [{ to, subject, text, sentAt (ISO 8601), eventKey, messageId, from }]
// Both answer 404 — exactly as a path that does not exist — wherever the dev mailbox is not allowed, so a production
// configuration neither shows nor reveals it.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { devMailboxAllowed, listDevMail } from "../mail/dev-mailbox.ts";
import { DEV_MAIL_TITLE, devMailMain } from "../views/dev-mail.ts";
import { page } from "./support.ts";

export const devMailRoutes = new Hono<AppEnv>();

function toFilter(raw: string | undefined): string | null {
  const to = (raw ?? "").trim();
  return to === "" ? null : to.slice(0, 320);
}

devMailRoutes.get("/dev/mail.json", async (c) => {
  if (!devMailboxAllowed(c.env)) return c.notFound();
  const mails = await listDevMail(c.var.db, { to: toFilter(c.req.query("to")) ?? undefined });
  c.header("Cache-Control", "no-store");
  return c.json(mails.map((m) => ({ to: m.to, subject: m.subject, text: m.text, sentAt: m.sentAt, eventKey: m.eventKey, messageId: m.messageId, from: m.from })));
});

devMailRoutes.get("/dev/mail", async (c) => {
  if (!devMailboxAllowed(c.env)) return c.notFound();
  const to = toFilter(c.req.query("to"));
  const mails = await listDevMail(c.var.db, { to: to ?? undefined });
  return page(c, { title: DEV_MAIL_TITLE, main: devMailMain(mails, to).toString() });
});
