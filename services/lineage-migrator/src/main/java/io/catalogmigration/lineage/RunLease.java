package io.catalogmigration.lineage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Who drives a run (its publishing, then its validation): a row in the control database with an owner and an expiry,
 * renewed every third of {@code lineage.lease-ttl} while held. An instance that dies stops renewing; once the lease has
 * expired another instance takes it and the run over. A holder that finds its lease taken (it stalled past the expiry)
 * stops driving the run. A stopped instance does not give its lease back: a crash and a stop look the same, and the
 * lease simply runs out.
 */
class RunLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLease.class);

    /** The lease was taken; {@code from} is the earlier holder whose lease had expired, or null. */
    record Taken(String from, Instant expiredAt) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final String owner;
    private final Duration ttl;
    private final Map<UUID, Boolean> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "lineage-lease");
        thread.setDaemon(true);
        return thread;
    });

    RunLease(JdbcTemplate jdbc, TransactionTemplate tx, String owner, Duration ttl) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.owner = owner;
        this.ttl = ttl;
        long every = Math.max(100, ttl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    String owner() {
        return owner;
    }

    /** Takes the lease if it is free, expired or ours already; null when another instance holds it. */
    Taken acquire(UUID runId) {
        Taken taken = tx.execute(status -> {
            var current = jdbc.query("select owner, expires_at, expires_at < now() from run_lease where run_id = ? for update",
                    (rs, i) -> new Object[]{rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3)}, runId);
            if (!current.isEmpty() && !owner.equals(current.get(0)[0]) && !(Boolean) current.get(0)[2]) {
                return null;
            }
            jdbc.update("""
                    insert into run_lease (run_id, owner, expires_at) values (?, ?, now() + ? * interval '1 millisecond')
                    on conflict (run_id) do update set owner = excluded.owner, expires_at = excluded.expires_at""",
                    runId, owner, ttl.toMillis());
            return current.isEmpty() || owner.equals(current.get(0)[0]) ? new Taken(null, null)
                    : new Taken((String) current.get(0)[0], (Instant) current.get(0)[1]);
        });
        if (taken != null) {
            held.put(runId, true);
        }
        return taken;
    }

    /** Whether this instance still holds the lease as far as it knows (a renewal found it taken: no longer). */
    boolean holds(UUID runId) {
        return held.containsKey(runId);
    }

    /** Gives the lease up, so the next instance that looks may take the run at once. */
    void release(UUID runId) {
        held.remove(runId);
        try {
            jdbc.update("delete from run_lease where run_id = ? and owner = ?", runId, owner);
        } catch (RuntimeException e) {
            log.warn("Could not give up the lease of lineage run {} ({}); it expires by itself", runId, e.getMessage());
        }
    }

    private void renewAll() {
        for (UUID runId : held.keySet()) {
            try {
                int renewed = jdbc.update("update run_lease set expires_at = now() + ? * interval '1 millisecond' "
                        + "where run_id = ? and owner = ?", ttl.toMillis(), runId, owner);
                if (renewed == 0) {
                    held.remove(runId);
                    log.warn("Lineage run {}: the lease was taken by another instance; this one stops driving the run", runId);
                }
            } catch (RuntimeException e) {
                // The control database is away: nobody else can take the lease either; renewing goes on when it is back.
                log.warn("Lineage run {}: the lease could not be renewed ({}); trying again", runId, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        held.clear();
    }
}
