-- The run ledger every service keeps in its own schema of the control database.
-- State and status use the runbook's job vocabulary.

create table run (
    run_id        uuid primary key,            -- the id of the command that started the run
    migration_id  text        not null,
    kind          text        not null,        -- e.g. prune, lineage-links
    state         text        not null,        -- NOT_STARTED, QUEUED, STARTED, FINISHED
    status        text        not null,        -- NA, SUCCEEDED, FAILED, SKIPPED
    stage         text        not null,        -- service-specific step inside STARTED, e.g. DELETING
    phase         int         not null default 0,
    planned       bigint      not null default 0,
    done          bigint      not null default 0,
    state_message text,
    command       jsonb       not null,
    plan          jsonb,
    details       jsonb,
    ts_started    timestamptz not null default now(),
    ts_updated    timestamptz not null default now(),
    ts_finished   timestamptz
);

create index run_unfinished on run (kind) where state <> 'FINISHED';
create index run_migration on run (migration_id);

-- One row per work message (at most 100 items) a run published.
create table batch (
    run_id     uuid        not null references run (run_id) on delete cascade,
    seq        int         not null,
    phase      int         not null default 0,
    state      text        not null,           -- PLANNED, PUBLISHED, DONE
    items      int         not null,
    done       bigint      not null default 0,
    payload    jsonb       not null,
    ts_updated timestamptz not null default now(),
    primary key (run_id, seq)
);

create index batch_open on batch (run_id, phase) where state <> 'DONE';

-- What a run said along the way, in order (the runbook's "persisting messages").
create table run_message (
    run_id  uuid        not null references run (run_id) on delete cascade,
    id      bigserial   primary key,
    ts      timestamptz not null default now(),
    message text        not null
);

-- Commands that do not open a run are remembered here, so a redelivery changes nothing.
create table processed_command (
    command_id   uuid primary key,
    migration_id text        not null,
    type         text        not null,
    processed_at timestamptz not null default now()
);
