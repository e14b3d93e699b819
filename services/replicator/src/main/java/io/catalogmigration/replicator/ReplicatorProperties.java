package io.catalogmigration.replicator;

import io.catalogmigration.common.kafka.WorkTopicSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The replicator's settings.
 *
 * @param indexWorkers      the work topic's listeners per instance building deferred indexes (with copy-workers and
 *                          verify.workers, the largest of the three)
 * @param indexStall        index builds fail when none has finished for this long; also the work listeners' poll
 *                          interval (one index on a large table can take hours)
 * @param itemsPerMessage   kept for the shared pattern (work messages of at most 100 items)
 * @param deniedExtensions  extensions the target cannot have; left out of the schema with a note
 * @param tablesWithoutKey  FULL: give tables without primary key or replica identity REPLICA IDENTITY FULL; REPORT: fail
 * @param workerHeadroom    replication connections needed on top of the planned ones
 * @param lagThreshold      STOP_WAITING once every table is ready and the slot lags at most this much
 * @param binDirectory      where pg_dump and psql live; empty: found automatically
 * @param initialCopy       SNAPSHOT (default, the faster one measured): the replicator copies the tables in parallel
 *                          under the slot's exported snapshot, then subscribes with copy_data = false; NATIVE: the
 *                          subscription copies them (copy_data = true, table synchronisation)
 * @param copyWorkers       the work topic's listeners per instance (with {@code verify.workers}, the larger of the
 *                          two): each copies one work message's chunks at a time, so each instance keeps this many
 *                          COPY pipes of the snapshot copy open
 * @param copyChunk         the snapshot copy splits tables larger than this into block ranges of this size
 * @param copyStall         the snapshot copy fails when no chunk has finished for this long (a worker that keeps
 *                          failing, its message dead-lettered): the slot's snapshot is not held open forever
 * @param parallelDatabases databases whose commands run at the same time, each on its own thread off the listener
 * @param verify            the online verification of every row (see {@link Verify})
 * @param backup            BackUpSource: how the source's backup is taken or found (see {@link Backup})
 */
@ConfigurationProperties("replicator")
public record ReplicatorProperties(
        @DefaultValue("2") int indexWorkers,
        @DefaultValue("100") int itemsPerMessage,
        @DefaultValue("file_fdw") List<String> deniedExtensions,
        @DefaultValue("FULL") String tablesWithoutKey,
        @DefaultValue("4") int workerHeadroom,
        @DefaultValue("1MB") DataSize lagThreshold,
        String binDirectory,
        @DefaultValue("SNAPSHOT") String initialCopy,
        @DefaultValue("2") int copyWorkers,
        @DefaultValue("256MB") DataSize copyChunk,
        @DefaultValue("30m") java.time.Duration copyStall,
        @DefaultValue("6h") java.time.Duration indexStall,
        @DefaultValue("2") int parallelDatabases,
        @DefaultValue Verify verify,
        @DefaultValue Backup backup) implements WorkTopicSettings {

    /**
     * The runbook's first safety step.
     *
     * @param method    PG_BASEBACKUP: the replicator takes a plain-format base backup of the source server (WAL streamed,
     *                  fast checkpoint, with a manifest) into a new directory under {@code directory}; COMMAND: the
     *                  operator's hook takes one or finds the latest, and prints where as a line
     *                  {@code BACKUP_LOCATION=<where>}
     * @param directory PG_BASEBACKUP: where backups go, one directory per backup
     * @param command   COMMAND: the hook and its arguments; it gets MIGRATION_ID, SOURCE_HOST, SOURCE_PORT, SOURCE_USER
     *                  and SOURCE_PASSWORD_REF (the reference, never the password)
     * @param timeout   longest the backup (or the hook) may take
     * @param verify    PG_BASEBACKUP: check the backup against its manifest with pg_verifybackup once taken
     * @param environment the service's variables the hook (and pg_basebackup) may see beyond PATH, HOME, LANG, LC_*
     *                  and TZ; none else reaches them
     */
    public record Backup(@DefaultValue("PG_BASEBACKUP") String method, java.nio.file.Path directory, List<String> command,
                         @DefaultValue("12h") java.time.Duration timeout, @DefaultValue("true") boolean verify,
                         List<String> environment) {

        public Backup {
            method = method == null ? "PG_BASEBACKUP" : method.toUpperCase(Locale.ROOT).replace('-', '_');
            if (!Set.of("PG_BASEBACKUP", "COMMAND").contains(method)) {
                throw new IllegalArgumentException("replicator.backup.method must be pg_basebackup or command, got " + method);
            }
            command = command == null ? List.of() : List.copyOf(command);
            environment = environment == null ? List.of() : List.copyOf(environment);
            if (method.equals("COMMAND") && command.isEmpty()) {
                throw new IllegalArgumentException("replicator.backup.method is command but replicator.backup.command is empty");
            }
            if (directory == null) {
                directory = java.nio.file.Path.of(System.getProperty("user.home"), ".catalog-migration", "backups");
            }
        }

        boolean hook() {
            return method.equals("COMMAND");
        }
    }

    /**
     * @param chunk          a keyed table is compared in key ranges of about this much of its size on the source
     * @param maxChunks      at most this many ranges per table
     * @param workers        consumers of the work topic in this instance (each compares one chunk at a time)
     * @param partitions     partitions of the work topic: the most instances x workers that can share a pass
     * @param applyTimeout   how long a chunk that differs waits for the target to apply the source's position
     */
    public record Verify(@DefaultValue("128MB") DataSize chunk, @DefaultValue("10000") int maxChunks,
                         @DefaultValue("2") int workers, @DefaultValue("8") int partitions,
                         @DefaultValue("30s") java.time.Duration applyTimeout) {

        public Verify {
            if (chunk.toBytes() < 8192) {
                throw new IllegalArgumentException("replicator.verify.chunk must be at least 8KB, got " + chunk);
            }
            if (maxChunks < 1 || workers < 1 || workers > 64 || partitions < 1) {
                throw new IllegalArgumentException("replicator.verify: max-chunks >= 1, workers 1-64 and partitions >= 1");
            }
        }
    }

    public ReplicatorProperties {
        if (indexWorkers < 1 || indexWorkers > 64) {
            throw new IllegalArgumentException("replicator.index-workers must be 1-64, got " + indexWorkers);
        }
        if (itemsPerMessage < 1 || itemsPerMessage > 100) {
            throw new IllegalArgumentException("replicator.items-per-message must be 1-100, got " + itemsPerMessage);
        }
        tablesWithoutKey = tablesWithoutKey == null ? "FULL" : tablesWithoutKey.toUpperCase(Locale.ROOT);
        if (!Set.of("FULL", "REPORT").contains(tablesWithoutKey)) {
            throw new IllegalArgumentException("replicator.tables-without-key must be FULL or REPORT, got " + tablesWithoutKey);
        }
        initialCopy = initialCopy == null ? "SNAPSHOT" : initialCopy.toUpperCase(Locale.ROOT);
        if (!Set.of("NATIVE", "SNAPSHOT").contains(initialCopy)) {
            throw new IllegalArgumentException("replicator.initial-copy must be native or snapshot, got " + initialCopy);
        }
        if (copyWorkers < 1 || copyWorkers > 64) {
            throw new IllegalArgumentException("replicator.copy-workers must be 1-64, got " + copyWorkers);
        }
        copyChunk = copyChunk == null ? DataSize.ofMegabytes(256) : copyChunk;
        if (copyChunk.toBytes() < 8192) {
            throw new IllegalArgumentException("replicator.copy-chunk must be at least 8KB, got " + copyChunk);
        }
        copyStall = copyStall == null ? java.time.Duration.ofMinutes(30) : copyStall;
        indexStall = indexStall == null ? java.time.Duration.ofHours(6) : indexStall;
        if (indexStall.toSeconds() < 1 || indexStall.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("replicator.index-stall must be 1s-24d, got " + indexStall);
        }
        if (copyStall.toSeconds() < 1) {
            throw new IllegalArgumentException("replicator.copy-stall must be at least 1s, got " + copyStall);
        }
        if (parallelDatabases < 1 || parallelDatabases > 16) {
            throw new IllegalArgumentException("replicator.parallel-databases must be 1-16, got " + parallelDatabases);
        }
        deniedExtensions = deniedExtensions == null ? List.of() : List.copyOf(deniedExtensions);
    }

    Set<String> denied() {
        return deniedExtensions.stream().map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** Listeners on the work topic per instance: enough for the copy's pipes, the index builds and the verification. */
    @Override
    public int workers() {
        return Math.max(indexWorkers, Math.max(copyWorkers, verify.workers()));
    }

    /** The verification's partitions: the most instances x workers that can share a pass (or a copy). */
    @Override
    public int workPartitions() {
        return verify.partitions();
    }

    /** One index build on a large table can take hours. */
    @Override
    public java.util.Optional<java.time.Duration> longestWorkMessage() {
        return java.util.Optional.of(indexStall);
    }

    boolean snapshotCopy() {
        return initialCopy.equals("SNAPSHOT");
    }

    boolean setIdentityFull() {
        return tablesWithoutKey.equals("FULL");
    }
}
