-- What a fence changed, one row per change, written before the change itself so that an abort, a rollback or a
-- restart after a crash puts back exactly what was there: a role kept from logging in, a database made read-only.
create table fence_change (
    migration_id text        not null,
    side         text        not null,  -- source or target
    kind         text        not null,  -- login: the role could log in and was set NOLOGIN;
                                        -- read-only: default_transaction_read_only was set on for the database
    name         text        not null,  -- the role or the database
    previous     text,                  -- read-only: the database's own setting before (null: it had none)
    changed_at   timestamptz not null default now(),
    primary key (migration_id, side, kind, name)
);

-- The replication from the target back to the source, set up at the switch (stage FINISHED once it is ended).
alter table cutover_state add column fallback_user    text;        -- the login the source replicates with (no secret)
alter table cutover_state add column fallback_created boolean not null default false; -- that login was created for it
alter table cutover_state add column fallback_started timestamptz; -- publications, slots and subscriptions created
alter table cutover_state add column fallback_dropped timestamptz; -- dropped again: by a rollback once caught up, or FinishCutover
