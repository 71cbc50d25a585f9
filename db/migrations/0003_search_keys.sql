CREATE TABLE `record_search_keys` (
	`key` text NOT NULL,
	`record_id` integer NOT NULL,
	`kind` integer NOT NULL,
	`standalone` integer NOT NULL,
	PRIMARY KEY(`key`, `record_id`),
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `record_search_keys_record` ON `record_search_keys` (`record_id`);--> statement-breakpoint
-- Backfill from the search index already built (the same statement as reindexRecords' in
-- worker/src/data/search-index.ts, over every record): the first value of record_search_fts's title column (the
-- normalised main title, kind 0) and of its reading column (kind 1). Standalone: every record but an Aozora work
-- whose source book (the note's 「底本: …」 line, written by db/import/aozora.ts) bears another title.
INSERT INTO record_search_keys (key, record_id, kind, standalone)
SELECT key, id, min(kind), max(standalone) FROM (
  SELECT CASE WHEN instr(f.title, char(57344)) > 0 THEN substr(f.title, 1, instr(f.title, char(57344)) - 1) ELSE f.title END AS key,
         f.rowid AS id, 0 AS kind,
         CASE WHEN r.source = 'aozora'
              THEN instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || '（') > 0
                OR instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || char(10)) > 0
              ELSE 1 END AS standalone
    FROM record_search_fts f JOIN records r ON r.id = f.rowid
  UNION ALL
  SELECT CASE WHEN instr(f.reading, char(57344)) > 0 THEN substr(f.reading, 1, instr(f.reading, char(57344)) - 1) ELSE f.reading END,
         f.rowid, 1,
         CASE WHEN r.source = 'aozora'
              THEN instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || '（') > 0
                OR instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || char(10)) > 0
              ELSE 1 END
    FROM record_search_fts f JOIN records r ON r.id = f.rowid
)
WHERE key <> ''
GROUP BY key, id;
