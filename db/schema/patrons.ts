// Patrons, credentials, staff, sessions, OPAC terminals (R01–R08, R36).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { PATRON_STATUSES, STAFF_ROLES } from "../../worker/src/domain/vocabulary.ts";
import { branches } from "./branches.ts";
import { inList } from "./vocabulary-sql.ts";

// R01: patrons are registered at the counter only; the web never creates them.
export const patrons = sqliteTable(
  "patrons",
  {
    id: integer("id").primaryKey(),
    cardNumber: text("card_number").notNull().unique(),
    name: text("name").notNull(),
    nameKana: text("name_kana"),
    birthDate: text("birth_date").notNull(),
    // Digits only, for R04's comparison; the display form is kept beside it.
    phoneDigits: text("phone_digits").notNull(),
    phone: text("phone").notNull(),
    homeBranchId: integer("home_branch_id").notNull().references(() => branches.id),
    status: text("status", { enum: PATRON_STATUSES }).notNull().default("active"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("patrons_status", sql`${t.status} IN ${inList(PATRON_STATUSES)}`),
    check("patrons_card_shape", sql`${t.cardNumber} NOT GLOB '*[^0-9]*' AND length(${t.cardNumber}) BETWEEN 6 AND 16`),
    check("patrons_phone_digits", sql`${t.phoneDigits} NOT GLOB '*[^0-9]*'`),
  ],
);

// R03: one password per patron, shared by the web and the OPAC. R05: a temporary one only opens 「パスワード変更」.
export const credentials = sqliteTable(
  "credentials",
  {
    patronId: integer("patron_id").primaryKey().references(() => patrons.id, { onDelete: "cascade" }),
    // e.g. 'pbkdf2-sha256$100000$<salt b64>$<hash b64>' so the hash can be upgraded at the next login.
    hash: text("hash").notNull(),
    temporary: integer("temporary", { mode: "boolean" }).notNull(),
    changedAt: integer("changed_at").notNull(),
  },
);

export const staffUsers = sqliteTable(
  "staff_users",
  {
    id: integer("id").primaryKey(),
    login: text("login").notNull().unique(),
    hash: text("hash").notNull(),
    role: text("role", { enum: STAFF_ROLES }).notNull(),
    branchId: integer("branch_id").notNull().references(() => branches.id),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [check("staff_users_role", sql`${t.role} IN ${inList(STAFF_ROLES)}`)],
);

// R36, R03 (issue 7 item 8): an in-library OPAC terminal belongs to one branch. An admin registers it and is shown a
// one-time enrolment code (only its hash is kept, with an expiry); the terminal's browser redeems the code once and
// is given a device secret in an HttpOnly cookie (only its hash is kept, in secret_hash). A terminal is recognised
// by that secret, never by a code typed by anyone; a retired terminal (active = 0) is recognised no more.
export const opacTerminals = sqliteTable("opac_terminals", {
  id: integer("id").primaryKey(),
  code: text("code").notNull().unique(),
  branchId: integer("branch_id").notNull().references(() => branches.id),
  // Hash of the terminal's device secret (set at enrolment); the terminal presents it to be recognised.
  secretHash: text("secret_hash"),
  // Where it stands, for staff (「2階 参考図書コーナー」); null: not said.
  label: text("label"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  // The pending one-time enrolment code's hash and its expiry (ms); both null once redeemed or never issued.
  enrolmentHash: text("enrolment_hash"),
  enrolmentExpiresAt: integer("enrolment_expires_at"),
  enrolledAt: integer("enrolled_at"),
  createdAt: integer("created_at"),
});

// Only the hash of the random token is stored.
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    patronId: integer("patron_id").references(() => patrons.id, { onDelete: "cascade" }),
    staffId: integer("staff_id").references(() => staffUsers.id, { onDelete: "cascade" }),
    terminalId: integer("terminal_id").references(() => opacTerminals.id),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    check("sessions_one_subject", sql`(${t.patronId} IS NULL) <> (${t.staffId} IS NULL)`),
    index("sessions_patron").on(t.patronId),
    index("sessions_staff").on(t.staffId),
    index("sessions_expires").on(t.expiresAt),
  ],
);
