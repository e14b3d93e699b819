package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunState;
import io.catalogmigration.common.logging.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The resume loop every service runs when it starts, or when it becomes the active instance: each run of its kind
 * that an earlier instance left unfinished goes to the service's own step, one at a time. A run that cannot be resumed
 * is logged with what the operator does about it, stays unfinished, and the others are still resumed. What resuming
 * means is the service's: plan again, publish what was never sent, carry the command out again, settle a window.
 */
public final class UnfinishedRuns {

    private static final Logger log = LoggerFactory.getLogger(UnfinishedRuns.class);

    /** A service's way of resuming one run. */
    @FunctionalInterface
    public interface Resume {
        void resume(Run run) throws Exception;
    }

    /**
     * @param skip     runs this instance is still carrying out itself (or that are not to be resumed here)
     * @param whatToDo the operator's action when a run cannot be resumed, e.g. "send StartPrune again with a new
     *                 commandId to start over"
     */
    public static void resume(RunLedger ledger, String kind, Predicate<Run> skip, Resume step, String whatToDo) {
        for (Run run : ledger.unfinished(kind)) {
            if (skip.test(run)) {
                continue;
            }
            log.info("Resuming {} run {} of migration {} ({} / {})", kind, run.runId(), run.migrationId(), run.state(),
                    run.stage());
            try {
                step.resume(run);
            } catch (Exception e) {
                log.error("Could not resume {} run {} of migration {}: {}. It stays unfinished; {}", kind, run.runId(),
                        run.migrationId(), ErrorText.rootCause(e), whatToDo);
            }
        }
    }

    public static void resume(RunLedger ledger, String kind, Resume step, String whatToDo) {
        resume(ledger, kind, run -> false, step, whatToDo);
    }

    /**
     * The fan-out services' resume (prune, scan): a run still planning is planned again, since nothing was done before
     * its plan was recorded; a planned one goes on publishing its batches (those already on the work topic are
     * redelivered by Kafka itself).
     */
    public static <C extends MigrationCommand> void resumePlanned(RunLedger ledger, String kind, Class<C> command,
                                                                  BiConsumer<C, Instant> plan, Consumer<UUID> advance) {
        resume(ledger, kind, run -> {
            if (run.state() == RunState.QUEUED) {
                plan.accept(MessageJson.mapper().readValue(run.command(), command), Instant.now());
            } else {
                advance.accept(run.runId());
            }
        }, "send " + command.getSimpleName() + " again with a new commandId to start over");
    }

    private UnfinishedRuns() {
    }
}
