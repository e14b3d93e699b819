package io.catalogmigration.common.run;

import io.catalogmigration.common.command.CommandAge;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.secret.StoredReferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * How every service takes up a command that opens a run, in one order, before anything is done:
 * <ol>
 *   <li>without commandId or migrationId it cannot be recorded: logged and ignored;</li>
 *   <li>a pasted password where a secret reference belongs is refused before any row holds it;</li>
 *   <li>the ledger opens the run and takes the resources it names: one another run holds refuses it;</li>
 *   <li>a redelivery of a command handled before changes nothing; one whose earlier delivery failed before anything was
 *       done goes ahead again;</li>
 *   <li>a new command older than {@code migration.commands.max-age} is refused ({@link CommandAge}).</li>
 * </ol>
 * The service says only what its refusal looks like (its {@code *Failed} outcome) and what going ahead means.
 */
public record RunStart(RunLedger ledger, CommandAge age) {

    /** Why a command was refused, for services whose outcome says so in its own words. */
    public enum Refusal { SECRET_REFERENCE, BUSY, TOO_OLD }

    /** The service's refusal: its {@code *Failed} outcome with the problem's reason and action. */
    @FunctionalInterface
    public interface Refuse {
        void refuse(Refusal why, MigrationProblem problem);
    }

    private static final Logger log = LoggerFactory.getLogger(RunStart.class);

    /**
     * @param kind      the run kind in the ledger ("prune", "scan", ...)
     * @param json      the command as the ledger stores it
     * @param resources what the run holds until it finishes (see {@link RunAdmission}); empty when it holds nothing
     * @param go        carries the command out (or hands it to the service's thread)
     */
    public void take(MigrationCommand command, String kind, String json, List<String> resources, Refuse refuse, Runnable go) {
        take(command, kind, json, resources, refuse, go, false);
    }

    /**
     * Like {@link #take}, but a redelivered command whose run is still unfinished goes ahead again: for a service whose
     * every step checks before it acts and which keeps a command from running twice at once itself (the replicator).
     */
    public void takeOrResume(MigrationCommand command, String kind, String json, List<String> resources, Refuse refuse,
                             Runnable go) {
        take(command, kind, json, resources, refuse, go, true);
    }

    private void take(MigrationCommand command, String kind, String json, List<String> resources, Refuse refuse, Runnable go,
                      boolean resumeUnfinished) {
        String type = command.getClass().getSimpleName();
        if (command.commandId() == null || command.migrationId() == null || command.migrationId().isBlank()) {
            log.error("{} without commandId or migrationId ignored: every command needs both (nothing was changed)", type);
            return;
        }
        if (ledger.refusesReferences(command, json,
                reason -> refuse.refuse(Refusal.SECRET_REFERENCE, new MigrationProblem(reason, StoredReferences.ACTION)))) {
            return;
        }
        switch (ledger.admit(command, kind, json, resources)) {
            case INCOMPLETE -> throw new IllegalStateException("the ids were checked above");
            case BUSY -> refuse.refuse(Refusal.BUSY, RunAdmission.busy(type, ledger.holder(resources, command.commandId())));
            case AGAIN -> go.run();
            case NEW -> age.refusal(command).ifPresentOrElse(
                    r -> refuse.refuse(Refusal.TOO_OLD, new MigrationProblem(r.reason(), r.action())), go);
            case DUPLICATE -> {
                if (resumeUnfinished && ledger.find(command.commandId()).map(run -> !run.finished()).orElse(false)) {
                    go.run();
                } else {
                    log.info("{} {} of migration {} was handled before: ignoring the redelivery", type,
                            command.commandId(), command.migrationId());
                }
            }
        }
    }
}
