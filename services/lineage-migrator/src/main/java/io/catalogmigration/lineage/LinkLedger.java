package io.catalogmigration.lineage;

import io.catalogmigration.common.ledger.RunLedger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The migration pointer and the per-message records, in the service's schema of the control database.
 * The pointer only ever moves to the end of the contiguous run of persisted messages, so a restart from it can
 * skip nothing; batches finishing out of order on several partitions never push it further. It holds a position
 * (the runbook's count of links) and the key of that run's last link: publishing resumes after the key, so links
 * deleted or added behind it shift nothing.
 */
record LinkLedger(JdbcTemplate jdbc, TransactionTemplate tx, RunLedger runs, String jobName) {

    /** The pointer: links persisted contiguously, and the key of the last of them (null before the first). */
    record Pointer(long position, LinkKey key) {
    }

    /** What persisting a set of messages changed. */
    record Persisted(long links, long runDone, long pointer, long open) {
    }

    long pointer() {
        jdbc.update("insert into message_queue_pointer (job_name) values (?) on conflict (job_name) do nothing", jobName);
        return jdbc.queryForObject("select pointer from message_queue_pointer where job_name = ?", Long.class, jobName);
    }

    Pointer pointerWithKey() {
        pointer();
        return jdbc.queryForObject("""
                select pointer, last_source, last_source_otype, last_target, last_target_otype
                from message_queue_pointer where job_name = ?""", (rs, i) -> new Pointer(rs.getLong(1),
                // Position 0 is the start, whatever key an older row may hold.
                rs.getLong(1) == 0 || rs.getString(3) == null ? null : new LinkKey(rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5))), jobName);
    }

    /** Sets the pointer to 0 (and forgets its key) and returns the value read back. */
    long resetPointer() {
        jdbc.update("""
                insert into message_queue_pointer (job_name, pointer) values (?, 0)
                on conflict (job_name) do update set pointer = 0, last_source = null, last_source_otype = null,
                last_target = null, last_target_otype = null, ts_updated = now()""", jobName);
        return jdbc.queryForObject("select pointer from message_queue_pointer where job_name = ?", Long.class, jobName);
    }

    /** Records a window of messages about to be sent, in one statement over arrays. */
    void recordPublished(List<LinkBatch> batches) {
        var m = Messages.of(batches);
        jdbc.update("""
                insert into link_batch (run_id, seq, first_ordinal, links, is_last_batch, state,
                                        last_source, last_source_otype, last_target, last_target_otype)
                select ?, m.seq, m.first_ordinal, m.links, m.is_last_batch, 'PUBLISHED', m.last_source, m.last_source_otype,
                       m.last_target, m.last_target_otype
                from unnest(?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bigint[], ?::text[], ?::bigint[], ?::text[])
                     as m (seq, first_ordinal, links, is_last_batch, last_source, last_source_otype, last_target,
                           last_target_otype)
                on conflict (run_id, seq) do nothing""", m.arguments(batches.get(0).runId()));
    }

    /** Messages as columns, for statements over arrays: each message's numbers and the key of its last link. */
    private record Messages(Integer[] seqs, Long[] firsts, Integer[] sizes, Boolean[] lasts, Long[] lastSources,
                            String[] lastSourceOtypes, Long[] lastTargets, String[] lastTargetOtypes) {

        static Messages of(List<LinkBatch> batches) {
            int n = batches.size();
            var m = new Messages(new Integer[n], new Long[n], new Integer[n], new Boolean[n], new Long[n], new String[n],
                    new Long[n], new String[n]);
            for (int i = 0; i < n; i++) {
                LinkBatch b = batches.get(i);
                Link last = b.links().get(b.links().size() - 1);
                m.seqs[i] = b.seq();
                m.firsts[i] = b.firstOrdinal();
                m.sizes[i] = b.links().size();
                m.lasts[i] = b.lastBatch();
                m.lastSources[i] = last.source();
                m.lastSourceOtypes[i] = last.sourceOtype();
                m.lastTargets[i] = last.target();
                m.lastTargetOtypes[i] = last.targetOtype();
            }
            return m;
        }

        /** The run id, then the arrays, in the order of the statements' unnest. */
        Object[] arguments(Object... before) {
            Object[] columns = {seqs, firsts, sizes, lasts, lastSources, lastSourceOtypes, lastTargets, lastTargetOtypes};
            Object[] all = new Object[before.length + columns.length];
            System.arraycopy(before, 0, all, 0, before.length);
            System.arraycopy(columns, 0, all, before.length, columns.length);
            return all;
        }
    }

    /** The next message number of a run: a publisher that starts again numbers its messages after every earlier one. */
    int nextSeq(UUID runId) {
        return jdbc.queryForObject("select coalesce(max(seq) + 1, 0) from link_batch where run_id = ?", Integer.class, runId);
    }

    /**
     * Before a publisher starts again from the pointer: every message of the run after the pointer is superseded
     * (its links are published again under new numbers), so it no longer holds the run open, and a late copy of it
     * is skipped; links persisted by superseded messages are taken off the run's count, as they are counted again.
     */
    int supersedeAfterPointer(UUID runId) {
        return tx.execute(status -> {
            runs.lock(runId);
            long pointer = pointer();
            long persisted = jdbc.queryForObject("""
                    select coalesce(sum(links), 0) from link_batch
                    where run_id = ? and state = 'DONE' and first_ordinal >= ?""", Long.class, runId, pointer);
            int superseded = jdbc.update("update link_batch set state = 'SUPERSEDED' where run_id = ? and state <> 'SUPERSEDED'"
                    + " and first_ordinal >= ?", runId, pointer);
            runs.addDone(-persisted, runId, Jobs.links(runId), Jobs.linkNodes(runId));
            return superseded;
        });
    }

    /** Messages that need not be persisted: persisted already, or superseded by a later copy of their links. */
    Set<Integer> done(UUID runId, Collection<Integer> seqs) {
        return new HashSet<>(jdbc.queryForList("select seq from link_batch where run_id = ? and state in ('DONE', 'SUPERSEDED')"
                + " and seq = any(?)", Integer.class, runId, seqs.toArray(Integer[]::new)));
    }

    /** The first {@code limit} messages of the run still waiting to be persisted, by number. */
    List<Integer> openSeqs(UUID runId, int limit) {
        return jdbc.queryForList("select seq from link_batch where run_id = ? and state = 'PUBLISHED' order by seq limit ?",
                Integer.class, runId, limit);
    }

    long open(UUID runId) {
        return jdbc.queryForObject("select count(*) from link_batch where run_id = ? and state = 'PUBLISHED'", Long.class, runId);
    }

    /**
     * Marks messages persisted, once each, with the runbook's persisting message per message, adds their links to the
     * run and the links job, and moves the pointer; the run row is locked so concurrent consumers take turns.
     */
    Persisted markPersisted(UUID runId, List<LinkBatch> batches, String instance) {
        return tx.execute(status -> {
            runs.lock(runId);
            // One statement for the whole poll: a message counts once, when it goes from PUBLISHED (or unknown) to DONE.
            // A message twice in one poll (a redelivery racing its first delivery) counts once.
            List<LinkBatch> unique = List.copyOf(batches.stream()
                    .collect(java.util.stream.Collectors.toMap(LinkBatch::seq, b -> b, (a, b) -> a, java.util.LinkedHashMap::new))
                    .values());
            var m = Messages.of(unique);
            List<int[]> counted = jdbc.query("""
                    insert into link_batch (run_id, seq, first_ordinal, links, is_last_batch, state, processed_by, ts_done,
                                            last_source, last_source_otype, last_target, last_target_otype)
                    select ?, m.seq, m.first_ordinal, m.links, m.is_last_batch, 'DONE', ?, now(), m.last_source,
                           m.last_source_otype, m.last_target, m.last_target_otype
                    from unnest(?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bigint[], ?::text[], ?::bigint[], ?::text[])
                         as m (seq, first_ordinal, links, is_last_batch, last_source, last_source_otype, last_target,
                               last_target_otype)
                    on conflict (run_id, seq) do update set state = 'DONE', processed_by = excluded.processed_by, ts_done = now()
                    where link_batch.state = 'PUBLISHED'
                    returning seq, links, is_last_batch::int""",
                    (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)},
                    m.arguments(runId, instance));
            counted.sort(java.util.Comparator.comparingInt(c -> c[0]));
            long links = counted.stream().mapToLong(c -> c[1]).sum();
            UUID linksJob = Jobs.links(runId);
            runs.sayAll(linksJob, counted.stream()
                    .map(c -> "Processed batch with " + c[1] + " links, is_last_batch: " + (c[2] == 1)).toList());
            runs.addDone(links, runId, linksJob, Jobs.linkNodes(runId));
            long runDone = runs.done(runId);
            // The frontier: the last persisted message before the first one still open (superseded ones aside). The
            // first open message is looked up once, not per row: correlated, it was evaluated for every message ahead
            // of the frontier at every poll, and was the control database's largest cost in the benchmark.
            jdbc.update("""
                    update message_queue_pointer p set pointer = f.first_ordinal + f.links, last_source = f.last_source,
                           last_source_otype = f.last_source_otype, last_target = f.last_target,
                           last_target_otype = f.last_target_otype, ts_updated = now()
                    from (select first_ordinal, links, last_source, last_source_otype, last_target, last_target_otype
                          from link_batch where run_id = ? and state = 'DONE'
                           and seq < coalesce((select min(seq) from link_batch where run_id = ? and state = 'PUBLISHED'),
                                              2147483647)
                          order by seq desc limit 1) f
                    where p.job_name = ? and p.pointer < f.first_ordinal + f.links""", runId, runId, jobName);
            long pointer = pointer();
            long open = open(runId);
            return new Persisted(links, runDone, pointer, open);
        });
    }
}
