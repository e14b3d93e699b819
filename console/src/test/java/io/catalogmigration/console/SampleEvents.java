package io.catalogmigration.console;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.ApplicationSessions;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.FallbackReplication;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.CutoverPhase;
import io.catalogmigration.common.contract.LineageValidated;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.TableSync;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.contract.VerifiedTable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Events of a small migration as the services publish them, at times a test chooses. */
record SampleEvents(String migrationId) {

    ProgressReported progress(String service, UUID runId, String phase, long done, long total, String unit,
                              Long eta, String message, Instant at) {
        return progress(service, runId, phase, done, total, unit, done / 2.0, eta, message, at);
    }

    ProgressReported progress(String service, UUID runId, String phase, long done, long total, String unit,
                              double rate, Long eta, String message, Instant at) {
        return new ProgressReported(UUID.randomUUID(), migrationId, at, service, runId, phase, done, total, unit,
                rate, eta, message);
    }

    PruneCompleted pruneCompleted(UUID runId, long rows, Instant at) {
        return new PruneCompleted(UUID.randomUUID(), migrationId, at, runId, "rosemeta", PruneMode.PURGE, rows, 2_000,
                List.of(), List.of());
    }

    ScanFailed scanFailed(UUID runId, String reason, String action, Instant at) {
        return new ScanFailed(UUID.randomUUID(), migrationId, at, runId, reason, action, List.of("rosemeta"));
    }

    ReplicationStatusReported status(UUID runId, String database, String answer, long lagBytes, Instant at) {
        return status(runId, database, answer, lagBytes, null, at);
    }

    ReplicationStatusReported status(UUID runId, String database, String answer, long lagBytes,
                                     VerificationReport verification, Instant at) {
        return new ReplicationStatusReported(UUID.randomUUID(), migrationId, at, runId, database, answer,
                List.of(new TableSync("public.t", "r")), lagBytes, 3, 4, 5, 6, List.of(), verification);
    }

    static VerificationReport verification(String state, int chunksDone, int chunksTotal, List<String> differences) {
        return new VerificationReport(state, chunksDone, chunksTotal, chunksDone * 1_000L, chunksDone * 8_000_000L,
                differences, 2, 17, "delta pass re-checked 17 changed rows in 40 ms (0 still changing)");
    }

    LineageValidated lineageValidated(UUID runId, long links, long edges, Instant at) {
        return new LineageValidated(UUID.randomUUID(), migrationId, at, runId, links, edges, links == edges);
    }

    LineageMigrated lineageMigrated(UUID runId, long links, Instant at) {
        return new LineageMigrated(UUID.randomUUID(), migrationId, at, runId, links, links, links / 2, links / 100,
                links * 120, 61_000, true);
    }

    ReplicationStarted replicationStarted(UUID runId, String database, int tables, Instant at) {
        return new ReplicationStarted(UUID.randomUUID(), migrationId, at, runId, database, "pub_" + database,
                "slot_" + database, "sub_" + database, tables, List.of(), List.of(), 40);
    }

    CutoverFailed preflightFailed(UUID runId, String reason, String action, Instant at) {
        return new CutoverFailed(UUID.randomUUID(), migrationId, at, runId, "RunPreflight", "PREFLIGHT", reason, action,
                false, false, List.of(new CutoverCheck("rosemeta", "sequences", CutoverCheck.FAILED, reason)), List.of());
    }

    PreflightPassed preflightPassed(UUID runId, Instant at) {
        return new PreflightPassed(UUID.randomUUID(), migrationId, at, runId,
                List.of(new CutoverCheck("rosemeta", "sequences", CutoverCheck.OK, "all ahead")));
    }

    CutoverCompleted cutoverCompleted(UUID runId, long downtimeMillis, Instant at) {
        return new CutoverCompleted(UUID.randomUUID(), migrationId, at, runId, List.of("rosemeta", "lineage"),
                downtimeMillis, List.of(new CutoverPhase("FENCE", 120), new CutoverPhase("SWITCH", 300)),
                List.of(new VerifiedTable("rosemeta", "public.t", "key ranges", 5, 1, true)), 12, "file:/etc/app/db.properties",
                "0/3000060", List.of("alation"), List.of(new FallbackReplication("rosemeta", "fallback_rosemeta",
                        "fallback_rosemeta", "fallback_rosemeta", true, 0L, "the source applies the target's writes")),
                new ApplicationSessions("alation", 2, 0, true, 400), List.of());
    }
}
