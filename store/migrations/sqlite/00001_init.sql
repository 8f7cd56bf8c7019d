-- +goose Up
-- One schema for SQLite and PostgreSQL (postgres/00001_init.sql says the
-- same in its dialect); TestSchemaSame compares the two.

-- schools: every school code ever received, with the latest name.
CREATE TABLE schools (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT ''
);

-- workbooks: one per distinct file content read with one spec (fingerprint):
-- what the reader and the checks made of it. A file whose content is here
-- is not read again.
CREATE TABLE workbooks (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL,           -- the spec's fingerprint it was read with
    spec_id       TEXT NOT NULL,
    spec_version  TEXT NOT NULL,
    hash          TEXT NOT NULL,           -- SHA-256 of the file's bytes, hex
    size          BIGINT NOT NULL,
    school_code   TEXT NOT NULL DEFAULT '',
    school_name   TEXT NOT NULL DEFAULT '',
    year          TEXT NOT NULL DEFAULT '', -- 学年 the workbook reports
    fill_date     TEXT NOT NULL DEFAULT '', -- 填报日期
    contact_person TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    version       TEXT NOT NULL DEFAULT '', -- the template version the file says
    status        TEXT NOT NULL,           -- passed, warnings, errors, unreadable
    error         TEXT NOT NULL DEFAULT '',
    errors        INTEGER NOT NULL DEFAULT 0,
    warnings      INTEGER NOT NULL DEFAULT 0,
    explained     INTEGER NOT NULL DEFAULT 0,
    infos         INTEGER NOT NULL DEFAULT 0,
    list_rows     TEXT NOT NULL DEFAULT '',   -- data rows per list sheet: majors=12,courses=30
    prior_id      BIGINT NOT NULL DEFAULT 0, -- the workbook of last year its cross-year check used (0: none)
    record_format INTEGER NOT NULL,        -- how record is encoded
    record        BLOB,                    -- everything consolidation needs of it
    read_at       TEXT NOT NULL,           -- RFC 3339, UTC
    UNIQUE (fingerprint, hash)
);
CREATE INDEX workbooks_school ON workbooks (school_code, year);

-- submissions: one per file received for a school year's consolidation
-- (its name relative to the folder it was found in); the same name
-- received again with other content points to the new workbook.
CREATE TABLE submissions (
    id          INTEGER PRIMARY KEY,
    year        TEXT NOT NULL,            -- the consolidation's 学年
    file        TEXT NOT NULL,
    workbook_id BIGINT NOT NULL REFERENCES workbooks (id),
    decision    TEXT NOT NULL DEFAULT '', -- accepted, duplicate, wrong_year, unreadable ("" until decided)
    why         TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    UNIQUE (year, file)
);
CREATE INDEX submissions_workbook ON submissions (workbook_id);

-- value_labels: what a value is — its keys and the words 学校数据 shows
-- (表, 指标 or a list row's item, 列, 单位) — kept once for all workbooks.
CREATE TABLE value_labels (
    id         INTEGER PRIMARY KEY,
    sheet_key  TEXT NOT NULL,
    field_key  TEXT NOT NULL,
    col_key    TEXT NOT NULL DEFAULT '',  -- prev, cur, pct, total, or ''
    sheet_name TEXT NOT NULL,             -- 表
    item       TEXT NOT NULL,             -- 指标 (or the list row)
    col_name   TEXT NOT NULL DEFAULT '',  -- 列
    unit       TEXT NOT NULL DEFAULT '',
    places     INTEGER NOT NULL DEFAULT 0, -- decimal places of the field (ROUND a sum to them in SQLite)
    UNIQUE (sheet_key, field_key, col_key, sheet_name, item, col_name, unit)
);

-- cell_values: every value of a workbook as 学校数据 shows it, input and
-- computed: value is the exact decimal or text, num the same as a number
-- for queries (NUMERIC: exact in PostgreSQL; integers exact in SQLite).
CREATE TABLE cell_values (
    workbook_id BIGINT NOT NULL REFERENCES workbooks (id),
    seq         INTEGER NOT NULL,            -- order in 学校数据
    label_id    BIGINT NOT NULL REFERENCES value_labels (id),
    row_index   INTEGER NOT NULL DEFAULT -1, -- a list's data row (0-based), -1 otherwise
    cell        TEXT NOT NULL DEFAULT '',    -- where it is in the file: 学生情况!D5
    value       TEXT NOT NULL,
    num         NUMERIC,
    input       INTEGER NOT NULL,            -- 1: typed by the school, 0: computed
    PRIMARY KEY (workbook_id, seq)
) WITHOUT ROWID;

-- findings: what the checks found in a workbook.
CREATE TABLE findings (
    workbook_id BIGINT NOT NULL REFERENCES workbooks (id),
    seq         INTEGER NOT NULL,
    severity    TEXT NOT NULL,
    rule        TEXT NOT NULL,
    sheet       TEXT NOT NULL DEFAULT '',
    cell        TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL,
    reported    TEXT NOT NULL DEFAULT '',
    expected    TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workbook_id, seq)
) WITHOUT ROWID;

-- region_values: the region's figures of each year as 汇总 showed them at
-- the year's last consolidation (for 历年).
CREATE TABLE region_years (
    spec_id  TEXT NOT NULL,
    year     TEXT NOT NULL,
    schools  INTEGER NOT NULL,
    made_at  TEXT NOT NULL,
    PRIMARY KEY (spec_id, year)
);
CREATE TABLE region_values (
    spec_id TEXT NOT NULL,
    year    TEXT NOT NULL,
    addr    TEXT NOT NULL,
    value   TEXT NOT NULL,
    num     NUMERIC,
    PRIMARY KEY (spec_id, year, addr),
    FOREIGN KEY (spec_id, year) REFERENCES region_years (spec_id, year)
);

-- The analyst's views (documented in the README).
CREATE VIEW v_submissions AS
SELECT s.year AS "学年", s.file AS "文件", w.school_code AS "学校标识码", w.school_name AS "学校名称",
       w.year AS "填报学年", w.fill_date AS "填报日期", w.contact_person AS "填报人", w.contact_phone AS "联系电话",
       w.status AS "审核状态", w.errors AS "错误", w.warnings AS "警告", w.explained AS "已说明",
       s.decision AS "采用情况", s.why AS "原因", s.received_at AS "收到时间", w.hash AS "内容哈希",
       w.spec_id AS "模板", w.version AS "模板版本"
FROM submissions s JOIN workbooks w ON w.id = s.workbook_id;

CREATE VIEW v_values AS
SELECT s.year AS "学年", w.school_code AS "学校标识码", w.school_name AS "学校名称",
       l.sheet_name AS "表", l.item AS "指标", l.col_name AS "列", v.num AS "值", l.places AS "小数位",
       v.value AS "文本", l.unit AS "单位", v.cell AS "单元格", s.file AS "文件",
       CASE WHEN v.row_index >= 0 THEN l.sheet_key || '[' || CAST(v.row_index AS TEXT) || '].' || l.field_key
            WHEN l.col_key = 'total' THEN l.sheet_key || '.total.' || l.field_key
            WHEN l.col_key <> '' THEN l.sheet_key || '.' || l.field_key || '.' || l.col_key
            ELSE l.sheet_key || '.' || l.field_key END AS "键",
       v.input AS "填报值"
FROM submissions s JOIN workbooks w ON w.id = s.workbook_id JOIN cell_values v ON v.workbook_id = w.id
     JOIN value_labels l ON l.id = v.label_id
WHERE s.decision = 'accepted';

-- +goose Down
DROP VIEW v_values;
DROP VIEW v_submissions;
DROP TABLE region_values;
DROP TABLE region_years;
DROP TABLE findings;
DROP TABLE cell_values;
DROP TABLE value_labels;
DROP TABLE submissions;
DROP TABLE workbooks;
DROP TABLE schools;
