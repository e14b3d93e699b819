package io.catalogmigration.lineage;

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
 * skip nothing; batches finishing out of order on several partitions never push it further.
 */
class LinkLedger {

    /** What persisting a set of messages changed. */
    record Persisted(long links, long runDone, long pointer, long open) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final String jobName;

    LinkLedger(JdbcTemplate jdbc, TransactionTemplate tx, String jobName) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.jobName = jobName;
    }

    long pointer() {
        jdbc.update("insert into message_queue_pointer (job_name) values (?) on conflict (job_name) do nothing", jobName);
        return jdbc.queryForObject("select pointer from message_queue_pointer where job_name = ?", Long.class, jobName);
    }

    /** Sets the pointer to 0 and returns the value read back. */
    long resetPointer() {
        jdbc.update("""
                insert into message_queue_pointer (job_name, pointer) values (?, 0)
                on conflict (job_name) do update set pointer = 0, ts_updated = now()""", jobName);
        return jdbc.queryForObject("select pointer from message_queue_pointer where job_name = ?", Long.class, jobName);
    }

    void recordPublished(List<LinkBatch> batches) {
        jdbc.batchUpdate("""
                insert into link_batch (run_id, seq, first_ordinal, links, is_last_batch, state)
                values (?, ?, ?, ?, ?, 'PUBLISHED') on conflict (run_id, seq) do nothing""", batches, 1000, (ps, b) -> {
            ps.setObject(1, b.runId());
            ps.setInt(2, b.seq());
            ps.setLong(3, b.firstOrdinal());
            ps.setInt(4, b.links().size());
            ps.setBoolean(5, b.lastBatch());
        });
    }

    Set<Integer> done(UUID runId, Collection<Integer> seqs) {
        return new HashSet<>(jdbc.queryForList("select seq from link_batch where run_id = ? and state = 'DONE' and seq = any(?)",
                Integer.class, runId, seqs.toArray(Integer[]::new)));
    }

    long open(UUID runId) {
        return jdbc.queryForObject("select count(*) from link_batch where run_id = ? and state <> 'DONE'", Long.class, runId);
    }

    /**
     * Marks messages persisted, once each, with the runbook's persisting message per message, adds their links to the
     * run and the links job, and moves the pointer; the run row is locked so concurrent consumers take turns.
     */
    Persisted markPersisted(UUID runId, List<LinkBatch> batches, String instance) {
        return tx.execute(status -> {
            jdbc.queryForObject("select run_id from run where run_id = ? for update", Object.class, runId);
            List<LinkBatch> counted = new ArrayList<>();
            for (LinkBatch b : batches) {
                int updated = jdbc.update("""
                        insert into link_batch (run_id, seq, first_ordinal, links, is_last_batch, state, processed_by, ts_done)
                        values (?, ?, ?, ?, ?, 'DONE', ?, now())
                        on conflict (run_id, seq) do update set state = 'DONE', processed_by = excluded.processed_by, ts_done = now()
                        where link_batch.state <> 'DONE'""",
                        runId, b.seq(), b.firstOrdinal(), b.links().size(), b.lastBatch(), instance);
                if (updated == 1) {
                    counted.add(b);
                }
            }
            long links = counted.stream().mapToLong(b -> b.links().size()).sum();
            UUID linksJob = Jobs.links(runId);
            jdbc.batchUpdate("insert into run_message (run_id, message) values (?, ?)", counted, 1000, (ps, b) -> {
                ps.setObject(1, linksJob);
                ps.setString(2, "Processed batch with " + b.links().size() + " links, is_last_batch: " + b.lastBatch());
            });
            jdbc.update("update run set done = done + ?, ts_updated = now() where run_id in (?, ?, ?)",
                    links, runId, linksJob, Jobs.linkNodes(runId));
            long runDone = jdbc.queryForObject("select done from run where run_id = ?", Long.class, runId);
            Long firstOpen = jdbc.queryForObject(
                    "select min(first_ordinal) from link_batch where run_id = ? and state <> 'DONE'", Long.class, runId);
            long pointer = firstOpen != null ? firstOpen : jdbc.queryForObject(
                    "select coalesce(max(first_ordinal + links), 0) from link_batch where run_id = ?", Long.class, runId);
            jdbc.update("update message_queue_pointer set pointer = ?, ts_updated = now() where job_name = ? and pointer < ?",
                    pointer, jobName, pointer);
            long open = jdbc.queryForObject("select count(*) from link_batch where run_id = ? and state <> 'DONE'", Long.class, runId);
            return new Persisted(links, runDone, pointer, open);
        });
    }
}
