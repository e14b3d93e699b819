-- What the replicator set up per migration and database, next to the run ledger (V1) in the replicator schema.

-- One row per replicated database: the names it uses and what it changed on the source, so RESET can undo it.
create table replicated_database (
    migration_id  text        not null,
    database      text        not null,
    publication   text        not null,
    slot          text        not null,
    subscription  text        not null,
    identity_full text[]      not null default '{}',  -- source tables set to REPLICA IDENTITY FULL by the replicator
    started_run   uuid,
    ts_started    timestamptz not null default now(),
    primary key (migration_id, database)
);

-- The post-data part of the schema (indexes, constraints, triggers), one statement group per pg_dump entry,
-- applied once every table is ready. A step is PENDING, DONE or FAILED (with the server's reason).
create table post_data_step (
    migration_id text    not null,
    database     text    not null,
    seq          int     not null,
    name         text    not null,            -- pg_dump's entry name, e.g. rosemeta_table_name_idx
    kind         text    not null,            -- pg_dump's entry type, e.g. INDEX, FK CONSTRAINT
    sql          text    not null,
    state        text    not null default 'PENDING',
    error        text,
    ts_updated   timestamptz not null default now(),
    primary key (migration_id, database, seq)
);
