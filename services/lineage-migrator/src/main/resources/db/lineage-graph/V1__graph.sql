-- The lineage graph (V3) in the lineage database, created by the lineage migrator if absent.
-- Nodes and edges use the objects' natural keys (otype, id), so a batch needs no id lookups and a
-- redelivered batch hits the unique keys and changes nothing.
create table if not exists node (
    otype     text    not null,
    object_id bigint  not null,
    is_temp   boolean not null default false,
    primary key (otype, object_id)
);

create table if not exists edge (
    source_otype  text     not null,
    source_id     bigint   not null,
    target_otype  text     not null,
    target_id     bigint   not null,
    relation_type smallint not null,   -- 1 = lineage
    primary key (source_otype, source_id, target_otype, target_id, relation_type)
);

-- Endpoints as the consumers saw them, one row per end of a persisted link (duplicates welcome): the link-nodes
-- job merges them into node in one set-based statement once the links are in, which costs far less than
-- upserting nodes message by message.
create table if not exists node_stage (
    otype     text    not null,
    object_id bigint  not null,
    is_temp   boolean not null
);

-- Settings the migrator owns; lineage_v3_enabled turns V3 on once validation passes.
create table if not exists lineage_setting (
    name       text primary key,
    value      text        not null,
    ts_updated timestamptz not null default now()
);
