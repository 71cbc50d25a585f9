-- Custom migration: what drizzle's schema cannot say.

-- R10: full-text index over the normalised (worker/src/domain/normalize.ts) searchable fields; rowid = records.id.
-- The trigram tokenizer finds any substring of 3+ characters; 1–2 character queries use record_grams.
CREATE VIRTUAL TABLE record_search_fts USING fts5(
  title, reading, author, author_reading, publisher, series, codes,
  tokenize = 'trigram'
);
--> statement-breakpoint
-- R14 backstop: at most 10 active holds per patron across every channel (worker/src/domain/policy.ts HOLD_LIMIT).
CREATE TRIGGER holds_limit_insert BEFORE INSERT ON holds
WHEN NEW.status IN ('waiting','in_transit','ready')
  AND (SELECT count(*) FROM holds WHERE patron_id = NEW.patron_id AND status IN ('waiting','in_transit','ready')) >= 10
BEGIN
  SELECT RAISE(ABORT, 'hold_limit_reached');
END;
--> statement-breakpoint
CREATE TRIGGER holds_limit_reactivate BEFORE UPDATE OF status ON holds
WHEN OLD.status NOT IN ('waiting','in_transit','ready') AND NEW.status IN ('waiting','in_transit','ready')
  AND (SELECT count(*) FROM holds WHERE patron_id = NEW.patron_id AND status IN ('waiting','in_transit','ready')) >= 10
BEGIN
  SELECT RAISE(ABORT, 'hold_limit_reached');
END;
--> statement-breakpoint
-- R40 backstop: at most 3 mail addresses per patron (worker/src/domain/policy.ts MAIL_ADDRESS_LIMIT).
CREATE TRIGGER mail_addresses_limit BEFORE INSERT ON mail_addresses
WHEN (SELECT count(*) FROM mail_addresses WHERE patron_id = NEW.patron_id) >= 3
BEGIN
  SELECT RAISE(ABORT, 'mail_address_limit_reached');
END;
--> statement-breakpoint
-- R11/R12: a pickup library is always an in-city branch; a hold's pickup must be one.
CREATE TRIGGER holds_pickup_in_city BEFORE INSERT ON holds
WHEN (SELECT is_pickup FROM branches WHERE id = NEW.pickup_branch_id) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'pickup_not_allowed');
END;
