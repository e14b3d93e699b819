package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.ledger.Hold;
import io.catalogmigration.common.ledger.Run;

import java.util.Locale;
import java.util.Optional;

/**
 * What a run holds while it is unfinished, named the same way by every service, and the refusal a command gets when
 * another run holds it. The ledger enforces the hold ({@code RunLedger.admit(command, kind, json, resources)}); a
 * service only names the resource its command would collide on:
 *
 * <ul>
 *   <li>prune (PURGE) and scan (REPAIR): each source database they delete from, {@link #database};</li>
 *   <li>replicator: the source/target database pair, {@link #pair};</li>
 *   <li>cutover: the migration, {@link #migration};</li>
 *   <li>provisioner: the target it creates, {@link #named};</li>
 *   <li>lineage: the lineage database it writes and whose pointer it moves, {@link #database}.</li>
 * </ul>
 *
 * Names carry hosts, ports and database names only: never a user or a secret reference.
 */
public final class RunAdmission {

    private RunAdmission() {
    }

    /** One database of one server: "database source:5432/rosemeta" (the host as given, in lower case). */
    public static String database(PgEndpoint endpoint) {
        return "database " + place(endpoint);
    }

    /** The replication of a source database into a target server's database of the same name. */
    public static String pair(PgEndpoint source, PgEndpoint target) {
        return "replication " + place(source) + " -> " + place(target.withDatabase(source.database()));
    }

    /** Everything of one migration (the cutover's window). */
    public static String migration(String migrationId) {
        return "migration " + migrationId;
    }

    /** Anything else, e.g. "target rds catalog-rds-2025-06". */
    public static String named(String what, String name) {
        return what + " " + name;
    }

    /**
     * The refusal of a command whose resource another run holds: nothing was changed, and the operator is told which
     * run to wait for.
     */
    public static MigrationProblem busy(String command, Optional<Hold> holder) {
        if (holder.isEmpty()) {
            return new MigrationProblem(command + " was not carried out: what it works on was in use by another run, "
                    + "which has just finished; nothing was changed", "send the command again with a new commandId");
        }
        Run run = holder.get().run();
        return new MigrationProblem(command + " was not carried out: " + holder.get().resource() + " is in use by run "
                + run.runId()
                + " (migration " + run.migrationId() + ", " + run.state() + "/" + run.stage() + ", since " + run.startedAt()
                + "); nothing was changed", "wait for run " + run.runId() + " to finish" + cancel(run)
                + ", then send the command again with a new commandId");
    }

    /** The runs an operator can stop ({@link RunCancellation}), and how; the others finish or resume by themselves. */
    private static String cancel(Run run) {
        return switch (run.kind()) {
            case "prune" -> " or stop it with CancelPrune (runId " + run.runId() + ")";
            case "scan" -> " or stop it with CancelScan (runId " + run.runId() + ")";
            default -> " (a run left by a stopped instance resumes when its service starts again)";
        };
    }

    private static String place(PgEndpoint endpoint) {
        String host = endpoint.host() == null ? "" : endpoint.host().toLowerCase(Locale.ROOT);
        return host + ":" + endpoint.port() + "/" + endpoint.database();
    }
}
