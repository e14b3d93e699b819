-- What a START created on the target or granted on the source, so that RESET takes back exactly that and nothing
-- else. (V3 and V4 are left free for other work on the replicator's schema.)

-- Roles the replicator created on the target (they also carry the migration's mark as their comment). Roles belong
-- to the whole cluster and both databases' STARTs share them: RESET of either drops those that own nothing anywhere.
create table created_role (
    migration_id text        not null,
    role         text        not null,
    database     text        not null,   -- the database whose START created it
    ts_created   timestamptz not null default now(),
    primary key (migration_id, role)
);

-- Privileges the replicator granted on the source (the replication user's USAGE and SELECT), recorded before the
-- GRANT and only when the grantee did not hold them already.
create table source_grant (
    migration_id text not null,
    database     text not null,
    grantee      text not null,
    kind         text not null,            -- SCHEMA or TABLE
    schema_name  text not null,
    object_name  text not null default '',  -- the table; '' for a schema
    privilege    text not null,             -- USAGE or SELECT
    primary key (migration_id, database, grantee, kind, schema_name, object_name, privilege)
);
