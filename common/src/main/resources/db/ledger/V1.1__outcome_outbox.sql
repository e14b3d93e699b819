-- The outbox of outcomes (see RunOutcomes and OutcomeRelay): a run's finish and its one outcome are recorded in the
-- same transaction, then the relay publishes the pending row on its topic and marks it sent. A row with attempts > 0
-- that is still pending may already be on the topic (the relay died between the broker's ack and the mark): the relay
-- looks for its event id there before it sends it again.

create table outcome_outbox (
    event_id       uuid primary key,                 -- the outcome's eventId, its ce_id header on the topic
    run_id         uuid        unique                -- one outcome per run; null for a command refused before it
                   references run (run_id) on delete cascade, -- opened a run (processed_command keeps it once)
    topic          text        not null,
    message_key    text        not null,             -- the migration id
    payload        text        not null,             -- the outcome's JSON, as MessageJson wrote it
    ts_recorded    timestamptz not null default now(),
    attempts       int         not null default 0,   -- sends begun (counted before each send)
    ts_attempted   timestamptz,                      -- when the last send began
    ts_sent        timestamptz,                      -- when the broker had it (or it was found there)
    sent_partition int,
    sent_offset    bigint
);

create index outcome_outbox_pending on outcome_outbox (ts_recorded) where ts_sent is null;
