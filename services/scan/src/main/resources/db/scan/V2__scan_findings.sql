-- What the scan workers found and did, next to the run ledger (V1) in the scan schema of the control database.

-- Corrupted rows found, one per row; a redelivered batch finds the same rows and adds nothing.
create table finding (
    run_id     uuid        not null references run (run_id) on delete cascade,
    database   text        not null,           -- user@host:port/db, no secret
    table_name text        not null,           -- schema.table
    row_ctid   text        not null,           -- where the row is, e.g. (56,70)
    error      text        not null,
    row_key    jsonb,                          -- primary key column -> value, null when unreadable
    found_at   timestamptz not null default now(),
    primary key (run_id, database, table_name, row_ctid)
);

-- Every row REPAIR deleted: the audit trail of what the scan changed.
create table deleted_row (
    run_id     uuid        not null references run (run_id) on delete cascade,
    database   text        not null,
    table_name text        not null,
    row_ctid   text        not null,           -- where the row is, e.g. (56,70)
    row_key    jsonb,
    error      text        not null,
    deleted_at timestamptz not null default now(),
    primary key (run_id, database, table_name, row_ctid)
);

-- Work items checked, so progress can count finished tables across instances.
create table scanned_item (
    run_id     uuid        not null references run (run_id) on delete cascade,
    seq        int         not null,
    item       int         not null,
    database   text        not null,
    table_name text        not null,
    bytes      bigint      not null,
    method     text        not null,
    millis     bigint      not null,
    table_items int        not null,           -- items the table was split into
    primary key (run_id, seq, item)
);
