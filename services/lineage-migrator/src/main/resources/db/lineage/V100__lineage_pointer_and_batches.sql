-- The runbook's migration pointer: how many links of the stable link order are persisted, contiguously from the
-- first. Job name Lineage_V2_To_V3_Migration by default.
create table message_queue_pointer (
    job_name   text primary key,
    pointer    bigint      not null default 0,
    ts_updated timestamptz not null default now()
);

-- One row per Kafka message of links: the detail record of the links and link-nodes jobs.
create table link_batch (
    run_id        uuid        not null references run (run_id) on delete cascade,
    seq           int         not null,
    first_ordinal bigint      not null,   -- position of the message's first link in the stable order
    links         int         not null,
    is_last_batch boolean     not null,
    state         text        not null,   -- PUBLISHED, DONE
    processed_by  text,                   -- the consumer instance that persisted it
    ts_published  timestamptz not null default now(),
    ts_done       timestamptz,
    primary key (run_id, seq)
);

create index link_batch_open on link_batch (run_id, seq) where state <> 'DONE';
