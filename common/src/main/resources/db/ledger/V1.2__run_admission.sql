-- Admission per resource: a run that would collide with another (two prunes deleting from one database, two
-- replications of one source/target pair) holds its resources while it is unfinished. The primary key makes the hold
-- the database's to enforce, so two instances admitting at the same moment cannot both win; finishing a run (whatever
-- its status, by whatever path) releases its holds through the trigger; a run left unfinished by a dead instance keeps
-- them and is recovered as before. A refused command keeps a run (stage REFUSED, holding nothing) so that its
-- redelivery changes nothing.
create table run_hold (
    resource text primary key,                 -- e.g. "database source:5432/rosemeta"; never a user or a secret
    run_id   uuid not null references run (run_id) on delete cascade,
    ts_held  timestamptz not null default now()
);

create index run_hold_run on run_hold (run_id);

create function release_run_holds() returns trigger language plpgsql as $$
begin
    delete from run_hold where run_id = new.run_id;
    return new;
end
$$;

create trigger run_finished_releases_holds after update of state on run
    for each row when (new.state = 'FINISHED') execute function release_run_holds();

-- What the steps of a work batch wrote in another database (prune's key ranges), one row per writing transaction
-- there, recorded under that transaction's id before it commits. The batch's count is the sum over the transactions
-- that committed (pg_xact_status on that database), taken when the batch completes: exact whether the batch was
-- redelivered after a crash (its rows gone, a redo deletes nothing) or carried out by two workers at once.
create table batch_step (
    run_id     uuid        not null,
    seq        int         not null,
    step       int         not null,           -- e.g. the key range's index in the batch
    xid        text        not null,           -- the writing transaction's id there (pg_current_xact_id)
    done       bigint      not null,           -- what it wrote (rows deleted)
    ts_written timestamptz not null default now(),
    primary key (run_id, seq, step, xid),
    foreign key (run_id, seq) references batch (run_id, seq) on delete cascade
);
