-- The messages whose links are in the edge table, claimed in the same transaction as their edges are written: a
-- redelivered message is recognised here, so its links are not written twice, even while a first load runs without
-- the edge table's primary key (it is built once the links are in; see lineage_setting 'edge_key_deferred').
create table if not exists link_message (
    run_id uuid not null,
    seq    int  not null,
    primary key (run_id, seq)
);
