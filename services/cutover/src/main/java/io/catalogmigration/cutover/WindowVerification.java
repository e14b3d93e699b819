package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.VerifiedTable;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.verify.Applied;
import io.catalogmigration.common.verify.ChangeLog;
import io.catalogmigration.common.verify.DeltaPass;
import io.catalogmigration.common.verify.Difference;
import io.catalogmigration.common.verify.VerificationState;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cutover's share of verification. The replicator compares every row online and keeps the comparison current;
 * preflight requires a whole online pass without a difference and runs one more delta pass, so that the window holds
 * only the last moments' writes; in the window, with writes stopped and the target caught up, the final delta pass
 * re-checks exactly the rows changed since, and its cost depends on those writes, not on the size of the database.
 */
record WindowVerification(PgConnector connector, Duration applyTimeout) {

    record Window(List<VerifiedTable> tables, List<Difference> differences) {
    }

    /** Preflight, while the application writes: the online pass is whole and clean, and a delta pass moves the frontier. */
    CutoverCheck online(PgEndpoint source, PgEndpoint target) throws SQLException {
        String database = source.database();
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            var state = VerificationState.read(t);
            if (!state.planned()) {
                return check(database, CutoverCheck.FAILED, "no online verification on the target yet: send CheckReplication "
                        + "until it reports STOP_WAITING (the replicator compares every row once every table is ready)");
            }
            if (!state.passComplete()) {
                return check(database, CutoverCheck.FAILED, "the online pass has verified " + state.chunksDone() + " of "
                        + state.chunksPlanned() + " chunks: send CheckReplication until it reports STOP_WAITING");
            }
            DeltaPass delta;
            try {
                delta = DeltaPass.run(s, t, Applied.of(s, t, database, applyTimeout));
            } catch (DeltaPass.NotStarted e) {
                return check(database, CutoverCheck.FAILED, e.getMessage());
            }
            state = VerificationState.read(t);
            if (!state.differences().isEmpty()) {
                return check(database, CutoverCheck.FAILED, state.differences().size() + " row(s) differ between source and "
                        + "target: " + state.differences().stream().limit(5).map(Difference::describe).toList()
                        + "; the target is not a faithful copy: ResetReplication and StartReplication, or fix the rows");
            }
            return check(database, CutoverCheck.OK, "%,d rows verified online in %d chunks of %d tables; a delta pass re-checked %,d changed rows in %d ms"
                    .formatted(state.rowsOnline(), state.chunksDone(), state.tables().size(), delta.rows(), delta.millis()));
        }
    }

    /** In the window: the final delta pass of each database; how each table was verified, and any difference. */
    /** @param limit what is left of the window: no statement here may run longer (statement_timeout on both servers) */
    Window inWindow(PgEndpoint source, PgEndpoint target, List<String> databases, java.time.Duration limit)
            throws SQLException, MigrationProblem {
        List<VerifiedTable> tables = new ArrayList<>();
        List<Difference> differences = new ArrayList<>();
        for (String database : databases) {
            try (Connection s = connector.connect(source.withDatabase(database));
                 Connection t = connector.connect(target.withDatabase(database))) {
                for (Connection c : List.of(s, t)) {
                    io.catalogmigration.common.pg.Sql.execute(c, "SET statement_timeout = " + Math.max(1, limit.toMillis()));
                }
                var before = VerificationState.read(t);
                DeltaPass delta;
                try {
                    delta = DeltaPass.run(s, t, null);
                } catch (DeltaPass.NotStarted e) {
                    throw MigrationProblem.inPhase("VERIFY", database + ": " + e.getMessage(), "send ResetCutover if needed, "
                            + "then CheckReplication until STOP_WAITING, RunPreflight and StartCutover again");
                }
                differences.addAll(delta.differences());
                before.tables().forEach((name, state) -> tables.add(new VerifiedTable(database, name, state.method(),
                        state.rowsOnline(), delta.rowsByTable().getOrDefault(name, 0L),
                        delta.differences().stream().noneMatch(d -> d.table().equals(name)))));
            }
        }
        return new Window(tables, differences);
    }

    /** Verification's triggers and tables leave the target before the application comes. */
    void removeFromTarget(PgEndpoint target, List<String> databases) throws SQLException {
        for (String database : databases) {
            try (Connection t = connector.connect(target.withDatabase(database))) {
                ChangeLog.drop(t);
            }
        }
    }

    private static CutoverCheck check(String database, String status, String detail) {
        return new CutoverCheck(database, "verification", status, detail);
    }
}
