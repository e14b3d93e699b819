-- Where each migration's cutover stands, so an abort, a restart, a rollback or a reset (each its own run) knows
-- what was changed: which databases were made read-only, and what the switcher replaced.
create table cutover_state (
    migration_id   text primary key,
    run_id         uuid        not null,            -- the StartCutover that changed things last
    stage          text        not null,            -- FENCED, SUBSCRIPTIONS_DROPPED, SWITCHED, COMPLETED, RELEASED, ROLLED_BACK
    databases      text[]      not null,
    source_fenced  boolean     not null default false,
    target_fenced  boolean     not null default false,
    captured       text,                            -- the settings in force before the switch (references, never passwords)
    writes_stopped timestamptz,
    switched_at    timestamptz,
    updated_at     timestamptz not null default now()
);
