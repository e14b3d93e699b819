-- Resume by key, not by position: the pointer also holds the key of the last link of the contiguous run of persisted
-- messages, and every message records the key of its last link. Links deleted or added before the pointer then
-- shift nothing: publishing goes on after that key, and the final reconciliation settles what changed behind it.
alter table message_queue_pointer
    add column last_source       bigint,
    add column last_source_otype text,
    add column last_target       bigint,
    add column last_target_otype text;

alter table link_batch
    add column last_source       bigint,
    add column last_source_otype text,
    add column last_target       bigint,
    add column last_target_otype text;

-- state: PUBLISHED, DONE, or SUPERSEDED (published again after a publisher restart: its links went out anew under a
-- later seq, so it no longer holds the run open).
drop index link_batch_open;
create index link_batch_published on link_batch (run_id, seq) where state = 'PUBLISHED';

-- Who drives a run (publishing, then validation): a lease renewed by its holder; an instance that finds it expired
-- takes the run over.
create table run_lease (
    run_id     uuid        primary key references run (run_id) on delete cascade,
    owner      text        not null,
    expires_at timestamptz not null
);
