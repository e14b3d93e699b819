package io.catalogmigration.replicator;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretRef;
import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TargetGuard;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Opens a run per command (a redelivery of a finished one changes nothing), carries it out, reports one outcome. */
record ReplicateHandler(RunLedger ledger, ReplicateOutcomes outcomes, SourcePreparer preparer,
                        ReplicationStarter starter, StatusChecker checker, ReplicationResetter resetter,
                        SourceBackup backup, RunStart runStart, CommandThreads threads) {

    static final String KIND = "replicate";
    /** What to grant when a statement was refused for want of a privilege. */
    private static final String GRANTS = "the source's user must be a superuser; the target's needs what RDS's master "
            + "user has: CREATEDB, CREATEROLE, rds_superuser, rds_replication, pg_signal_backend, pg_monitor and on 16+ "
            + "pg_create_subscription; see the replicator README's \"Privileges and versions\"";
    /** The run's first message, said when its thread takes it up (the run opens earlier, on the listener). */
    static final String RUNNING = "running on ";

    private static final Logger log = LoggerFactory.getLogger(ReplicateHandler.class);

    /** A redelivered command whose run is unfinished goes again: {@link #submit} keeps it from running twice at once. */
    void handle(ReplicateCommand command) {
        runStart.takeOrResume(command, KIND, MessageJson.mapper().writerFor(ReplicateCommand.class).writeValueAsString(command),
                resources(command), (why, problem) -> outcomes.failed(command, problem.reason(), problem.action()),
                () -> submit(command));
    }

    /**
     * StartReplication and ResetReplication hold their source/target pair until they finish: a second one for the same
     * pair would create or drop what the first is building. CheckReplication reads, PrepareSource and BackUpSource
     * work on the source alone; they hold nothing (and still queue behind the database's earlier commands).
     */
    static List<String> resources(ReplicateCommand command) {
        PgEndpoint target = command instanceof StartReplication start ? start.target()
                : command instanceof ResetReplication reset ? reset.target() : null;
        if (target == null || command.source() == null || command.source().database() == null) {
            return List.of();
        }
        return List.of(RunAdmission.pair(command.source(), target));
    }

    /**
     * Carries the run out on the database's thread: one database's copy does not hold up another's START, and the same
     * database's commands keep their order.
     */
    void submit(ReplicateCommand command) {
        threads.submit(command, command.source() == null ? null : command.source().database(), () -> run(command));
    }

    /** Also called on restart for a run left unfinished: every step checks before it acts, so running again is safe. */
    void run(ReplicateCommand command) {
        ledger.say(command.commandId(), RUNNING + Thread.currentThread().getName());
        var problems = problems(command);
        if (!problems.isEmpty()) {
            outcomes.failed(command, "invalid " + command.getClass().getSimpleName() + ": " + String.join("; ", problems),
                    "correct the command and send it again with a new commandId; nothing was changed");
            return;
        }
        try {
            OutcomeEvent outcome;
            String summary;
            if (command instanceof BackUpSource backUp) {
                var backedUp = backup.backUp(backUp);
                outcome = backedUp;
                summary = "backup of " + backedUp.source() + " at " + backedUp.location() + " (" + backedUp.method()
                        + ", " + SourceBackup.mib(backedUp.bytes()) + "; " + backedUp.verification() + ")";
            } else if (command instanceof PrepareSource prepare) {
                var prepared = preparer.prepare(prepare);
                outcome = prepared;
                summary = "source " + prepared.source() + (prepared.ready() ? " is ready" : " is not ready")
                        + (prepared.restartRequired() ? " (restart required)" : "") + ": " + prepared.checks();
            } else if (command instanceof StartReplication start) {
                var started = starter.start(start);
                outcome = started;
                summary = "replication of " + started.database() + " started: " + started.tables() + " tables, "
                        + started.postDataSteps() + " post-data steps deferred; notes " + started.notes();
            } else if (command instanceof CheckReplication check) {
                var status = checker.check(check);
                outcome = status;
                summary = status.database() + ": " + status.answer() + ", lag " + status.lagBytes() + " bytes, created "
                        + status.indexesCreated() + "/" + status.indexesTotal() + " indexes, post-data "
                        + status.postDataDone() + "/" + status.postDataTotal() + ", failures " + status.failures();
            } else {
                var reset = resetter.reset((ResetReplication) command);
                outcome = reset;
                summary = "reset " + reset.database() + ": subscription dropped " + reset.subscriptionDropped() + ", slot dropped "
                        + reset.slotDropped() + ", database dropped " + reset.databaseDropped();
            }
            outcomes.succeeded(outcome, summary);
        } catch (MigrationProblem e) {
            failed(command, e.getMessage(), e.action());
        } catch (TargetGuard.TargetIsSource e) {
            failed(command, e.reason(), e.action());
        } catch (SecretUnavailableException e) {
            failed(command, e.getMessage(), "make the secret available to the replicator, then send the command "
                    + "again with a new commandId; finished steps are kept");
        } catch (SQLException e) {
            failed(command, "a statement failed: " + PgErrors.describe(e), PgErrors.notPermitted(e)
                    ? "grant the missing privilege (" + GRANTS + "), then send the command again with a new "
                            + "commandId; finished steps are kept"
                    : "check that both servers are reachable and the users are administrators, then send the command again "
                            + "with a new commandId; finished steps are kept");
        }
    }

    /** A run interrupted because the service stops is no failure: it stays unfinished and runs again on restart. */
    private void failed(ReplicateCommand command, String reason, String action) {
        if (Thread.currentThread().isInterrupted()) {
            log.warn("{} {} of migration {} was interrupted by the service stopping ({}); it stays unfinished and runs again "
                    + "when the service starts", command.getClass().getSimpleName(), command.commandId(), command.migrationId(), reason);
            return;
        }
        outcomes.failed(command, reason, action);
    }

    private static List<String> problems(ReplicateCommand command) {
        var checked = CommandProblems.of(command).endpoint("source", command.source(), "the self-hosted server's database");
        if (!(command instanceof PrepareSource) && !(command instanceof BackUpSource)) {
            checked.endpoint("target", command instanceof StartReplication s ? s.target()
                    : command instanceof CheckReplication c ? c.target()
                    : command instanceof ResetReplication r ? r.target() : null, "the RDS instance");
        }
        List<String> problems = new ArrayList<>(checked.list());
        if (command.source() != null && command.source().database() != null) {
            try {
                SqlIdentifier.quote(command.source().database());
            } catch (IllegalArgumentException e) {
                problems.add("source.database: " + e.getMessage());
            }
        }
        if (command instanceof ResetReplication reset && !command.migrationId().equals(reset.confirm())) {
            problems.add("confirm must repeat the migrationId (" + command.migrationId() + "): ResetReplication drops the "
                    + "target database" + (reset.confirm() == null ? "" : ", and '" + reset.confirm() + "' does not"));
        }
        // References that are not references (a pasted password) are refused here, before anything uses them, and
        // never quoted: SecretRef.problem says why without the value.
        if (command instanceof PrepareSource prepare) {
            if (prepare.replicationPasswordRef() != null) {
                SecretRef.problem(prepare.replicationPasswordRef()).ifPresent(p -> problems.add("replicationPasswordRef is " + p));
            }
            if (prepare.replicationUser() != null && PgEndpoint.nameProblem("replicationUser", prepare.replicationUser()) != null) {
                problems.add(PgEndpoint.nameProblem("replicationUser", prepare.replicationUser()));
            }
            prepare.databases().stream().map(d -> PgEndpoint.nameProblem("databases: a name", d)).filter(p -> p != null)
                    .distinct().forEach(problems::add);
            if (prepare.plannedWorkers() != null && prepare.plannedWorkers() < 1) {
                problems.add("plannedWorkers " + prepare.plannedWorkers() + " must be at least 1 (or left out)");
            }
        }
        if (command instanceof StartReplication start) {
            // the replication endpoint's database is the source's, one subscription per database: a name given is
            // ignored, but still checked (it reaches the ledger, and a connection string in it must not pass)
            if (start.replication() != null && start.replication().database() != null) {
                String problem = PgEndpoint.nameProblem("replication.database", start.replication().database());
                if (problem != null) problems.add(problem);
            }
            start.rolePasswordRefs().forEach((role, ref) -> SecretRef.problem(ref)
                    .ifPresent(p -> problems.add("rolePasswordRefs of a role is " + p)));
        }
        return problems;
    }
}
