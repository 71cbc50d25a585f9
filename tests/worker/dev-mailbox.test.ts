// Issue 9 item 7: the dev mailbox, inside workerd on the migrated D1. The gate (mail/dev-mailbox.ts devMailboxAllowed:
// DEV_MAILBOX "on" from .dev.vars AND a loopback http:// origin) and the proof that no production configuration —
// wrangler.toml's every configuration, an https or non-loopback origin — can turn it on: transportFor then picks the
// Cloudflare binding, and /dev/mail and /dev/mail.json answer 404 like a path that does not exist. Where it is on:
// the dev transport keeps one mail per idempotency key, refuses what the provider would refuse, and /dev/mail.json
// answers newest first in its documented shape; /dev/mail escapes the mail's text and makes its links clickable.
import wranglerToml from "../../wrangler.toml?raw";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../../worker/src/app.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { devMailboxAllowed, devMailTransport, providerRefusal } from "../../worker/src/mail/dev-mailbox.ts";
import { transportFor } from "../../worker/src/mail/index.ts";
import type { OutgoingMail } from "../../worker/src/mail/transport.ts";
import { linkedText } from "../../worker/src/views/dev-mail.ts";
import { clearMail, devMailEnv, devMailRows, mailEnv } from "../support/mail.ts";
import { wranglerConfigurations, wranglerSettings } from "../support/wrangler-config.ts";

const db = createDb(env.DB);
const T = Date.UTC(2026, 11, 2, 1);
const HTML = { accept: "text/html,application/xhtml+xml" };
const JSON_ACCEPT = { accept: "application/json" };
const origin = "http://localhost:8802";

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  from: "web_master@toshokan.example.jp",
  to: "taro@example.jp",
  subject: "件名",
  text: "本文",
  headers: { "Auto-Submitted": "auto-generated" },
  eventKey: "test:1:0",
  idempotencyKey: "key-1",
  ...over,
});

/** Production-like configurations: wrangler.toml's own (no .dev.vars), and DEV_MAILBOX on with a public origin. */
const closed = () => [
  mailEnv(),
  mailEnv({ DEV_MAILBOX: "on", SITE_ORIGIN: "https://shiori.example.jp" }),
  mailEnv({ DEV_MAILBOX: "on", SITE_ORIGIN: "http://shiori.example.jp" }),
  mailEnv({ DEV_MAILBOX: "on", SITE_ORIGIN: "https://localhost:8802" }),
  mailEnv({ DEV_MAILBOX: "1", SITE_ORIGIN: origin }),
];

beforeEach(clearMail);

describe("issue 9 item 7: the gate (local development only)", () => {
  it("off without DEV_MAILBOX, and with any value but \"on\"", () => {
    expect(devMailboxAllowed({ SITE_ORIGIN: origin })).toBe(false);
    for (const v of ["", "1", "ON", "true", "yes", " on"]) expect(devMailboxAllowed({ DEV_MAILBOX: v, SITE_ORIGIN: origin }), v).toBe(false);
  });

  it("off with an https or a non-loopback SITE_ORIGIN, even with DEV_MAILBOX on", () => {
    for (const o of ["https://localhost:8787", "https://shiori.example.jp", "http://shiori.example.jp", "http://localhost.example.jp", "http://127.0.0.2:8787", "http://192.168.1.10:8787", "ftp://localhost", "localhost:8787", "", undefined]) {
      expect(devMailboxAllowed({ DEV_MAILBOX: "on", SITE_ORIGIN: o }), String(o)).toBe(false);
    }
  });

  it("on only for DEV_MAILBOX \"on\" with a loopback http:// origin", () => {
    for (const o of ["http://localhost:8787", "http://localhost:8802", "http://127.0.0.1:8799", "http://[::1]:8787", "http://localhost"]) {
      expect(devMailboxAllowed({ DEV_MAILBOX: "on", SITE_ORIGIN: o }), o).toBe(true);
    }
  });

  it("wrangler.toml never sets DEV_MAILBOX, and none of its configurations ([vars], every [env.*]) enables it, whatever its origin", () => {
    expect(wranglerSettings(wranglerToml).filter((l) => /DEV_MAILBOX/.test(l))).toEqual([]);
    const configs = wranglerConfigurations(wranglerToml);
    expect(configs.get("(top level)")!.MAIL_FROM).toBeTruthy(); // the reader did read [vars]
    for (const [name, vars] of configs) {
      expect(vars.DEV_MAILBOX, name).toBeUndefined();
      expect(devMailboxAllowed(vars), name).toBe(false);
      expect(devMailboxAllowed({ ...vars, SITE_ORIGIN: "https://shiori.example.jp" }), name).toBe(false);
    }
    // The reader would catch an [env.*] that set it.
    const planted = wranglerConfigurations([wranglerToml, "[env.staging.vars]", 'DEV_MAILBOX = "on"', 'SITE_ORIGIN = "http://localhost:8787"'].join("\n"));
    expect(devMailboxAllowed(planted.get("staging")!)).toBe(true);
  });

  it("wrangler.toml declares the production binding (send_email EMAIL, sending only from MAIL_FROM) and the Worker serves /dev/*", () => {
    expect(wranglerToml).toMatch(/\[\[send_email\]\]\s*\nname = "EMAIL"\s*\nallowed_sender_addresses = \["([^"]+)"\]/);
    const allowed = /allowed_sender_addresses = \["([^"]+)"\]/.exec(wranglerToml)![1];
    expect(allowed).toBe(wranglerConfigurations(wranglerToml).get("(top level)")!.MAIL_FROM);
    expect(wranglerToml).toMatch(/run_worker_first = \[[^\]]*"\/dev\/\*"/);
  });

  it("transportFor: the dev mailbox where allowed; else the EMAIL binding; else none (rows wait)", () => {
    expect(transportFor(devMailEnv())?.name).toBe("dev");
    for (const e of closed()) expect(transportFor(e)?.name, e.SITE_ORIGIN).toBe("cloudflare");
    expect(transportFor(mailEnv({ EMAIL: undefined }))).toBeNull();
    expect(transportFor(mailEnv({ EMAIL: undefined, DEV_MAILBOX: "on", SITE_ORIGIN: "https://shiori.example.jp" }))).toBeNull();
  });
});

describe("issue 9 item 7: the dev transport", () => {
  const dev = devMailTransport(db, { messageDomain: "toshokan.example.jp", now: () => T });

  it("one mail per idempotency key: a second send keeps one row and answers the same messageId", async () => {
    const first = await dev.send(mail());
    const again = await dev.send(mail({ subject: "二度目" }));
    expect(first).toMatchObject({ ok: true, messageId: expect.stringMatching(/^<[^@]+@toshokan\.example\.jp>$/) });
    expect(again).toEqual(first);
    expect(await devMailRows("test:1:0")).toMatchObject([{ idempotency_key: "key-1", subject: "件名", headers: JSON.stringify({ "Auto-Submitted": "auto-generated" }) }]);
    const other = await dev.send(mail({ idempotencyKey: "key-2" }));
    expect(other.ok && first.ok && other.messageId !== first.messageId).toBe(true);
    expect(await devMailRows()).toHaveLength(2);
  });

  it("refuses, permanently, what Cloudflare Email Service refuses: a line break in a header value, a platform header (Message-ID), a bad header name; and a .invalid recipient", async () => {
    for (const [m, code] of [
      [mail({ subject: "件名\r\nBcc: x@example.jp" }), "E_VALIDATION_ERROR"],
      [mail({ headers: { "X-Shiori-Event": "a\nb" } }), "E_HEADER_VALUE_INVALID"],
      [mail({ headers: { "Message-ID": "<1@toshokan.example.jp>" } }), "E_HEADER_NOT_ALLOWED"],
      [mail({ headers: { "Bad Header": "x" } }), "E_HEADER_NAME_INVALID"],
      [mail({ to: "hanako@bounce.invalid" }), "E_RECIPIENT_SUPPRESSED"],
    ] as const) {
      expect(await dev.send(m), code).toMatchObject({ ok: false, kind: "permanent", error: expect.stringContaining(code) });
    }
    expect(providerRefusal(mail())).toBeNull();
    expect(await devMailRows()).toEqual([]);
  });
});

describe("issue 9 item 7: /dev/mail and /dev/mail.json", () => {
  const app = buildApp();
  const later = devMailTransport(db, { messageDomain: "toshokan.example.jp", now: () => T + 60_000 });
  const earlier = devMailTransport(db, { messageDomain: "toshokan.example.jp", now: () => T });

  it("404 in every production-like configuration, exactly as a path that does not exist (JSON and HTML)", async () => {
    await earlier.send(mail({ text: "開発用メールの中身", to: "secret.reader@example.jp" }));
    const missing = await (await app.request(`${origin}/no-such-thing`, { headers: JSON_ACCEPT }, mailEnv())).json();
    for (const e of closed()) {
      for (const path of ["/dev/mail", "/dev/mail.json", "/dev/mail?to=taro%40example.jp"]) {
        const json = await app.request(`${origin}${path}`, { headers: JSON_ACCEPT }, e);
        expect(json.status, `${e.SITE_ORIGIN} ${path}`).toBe(404);
        expect(await json.json()).toEqual(missing);
        const page = await app.request(`${origin}${path}`, { headers: HTML }, e);
        expect(page.status).toBe(404);
        const body = await page.text();
        expect(body).toContain("ページが見つかりません");
        for (const secret of ["開発用メールの中身", "secret.reader@example.jp", "開発用メールボックス"]) expect(body).not.toContain(secret);
      }
    }
  });

  it("/dev/mail.json: newest first, [{ to, subject, text, sentAt, eventKey, messageId, from }]; ?to= one recipient's", async () => {
    const a = await earlier.send(mail({ idempotencyKey: "k-a", eventKey: "confirm:1:1", to: "taro@example.jp", subject: "確認" }));
    const b = await later.send(mail({ idempotencyKey: "k-b", eventKey: "hold-ready:1:1", to: "hanako@example.jp", subject: "用意" }));
    const res = await app.request(`${origin}/dev/mail.json`, {}, devMailEnv());
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual([
      { to: "hanako@example.jp", subject: "用意", text: "本文", sentAt: new Date(T + 60_000).toISOString(), eventKey: "hold-ready:1:1", messageId: b.ok ? b.messageId : "", from: "web_master@toshokan.example.jp" },
      { to: "taro@example.jp", subject: "確認", text: "本文", sentAt: new Date(T).toISOString(), eventKey: "confirm:1:1", messageId: a.ok ? a.messageId : "", from: "web_master@toshokan.example.jp" },
    ]);
    const only = (await (await app.request(`${origin}/dev/mail.json?to=TARO%40example.jp`, {}, devMailEnv())).json()) as { eventKey: string }[];
    expect(only.map((m) => m.eventKey)).toEqual(["confirm:1:1"]);
    expect(await (await app.request(`${origin}/dev/mail.json?to=nobody%40example.jp`, {}, devMailEnv())).json()).toEqual([]);
  });

  it("/dev/mail: 「開発用メールボックス」, each mail's to, subject, time and event; the text escaped (a <script> title is text) and its link clickable", async () => {
    await earlier.send(
      mail({
        subject: "<script>alert(1)</script>の用意ができました",
        text: "資料名: <script>alert(2)</script>\n確認: http://localhost:8802/mail/confirm?token=a&b=1 をクリック。",
        eventKey: "hold-ready:9:9",
      }),
    );
    const res = await app.request(`${origin}/dev/mail`, { headers: HTML }, devMailEnv());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("<h1>開発用メールボックス</h1>");
    expect(text).not.toContain("<script>alert");
    expect(text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;の用意ができました");
    expect(text).toContain("資料名: &lt;script&gt;alert(2)&lt;/script&gt;");
    expect(text).toContain('<a href="http://localhost:8802/mail/confirm?token=a&amp;b=1">http://localhost:8802/mail/confirm?token=a&amp;b=1</a> をクリック。');
    expect(text).toContain("taro@example.jp");
    expect(text).toContain("<code>hold-ready:9:9</code>");
    expect(text).toContain('name="robots" content="noindex"');
  });

  it("linkedText: only http(s) URLs become links, a trailing full stop stays outside, quotes cannot break out", () => {
    expect(linkedText("見る: https://a.example/x?y=1。").toString()).toBe('見る: <a href="https://a.example/x?y=1">https://a.example/x?y=1</a>。');
    expect(linkedText('javascript:alert(1) "x" https://a.example/"onmouseover=1').toString()).toBe(
      'javascript:alert(1) &quot;x&quot; <a href="https://a.example/">https://a.example/</a>&quot;onmouseover=1',
    );
    expect(linkedText("see https://a.example/p.").toString()).toBe('see <a href="https://a.example/p">https://a.example/p</a>.');
  });
});
