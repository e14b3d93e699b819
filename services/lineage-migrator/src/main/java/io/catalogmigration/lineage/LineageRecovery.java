package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * On start, resumes a migration an earlier instance left unfinished: publishing goes on from the pointer (the
 * consumers skip what is already persisted), and a run whose messages are all persisted is validated.
 */
class LineageRecovery {

    private static final Logger log = LoggerFactory.getLogger(LineageRecovery.class);

    private final RunLedger ledger;
    private final LinkLedger links;
    private final LineageStarter starter;
    private final LinkPublisher publisher;
    private final LineageFinisher finisher;

    LineageRecovery(RunLedger ledger, LinkLedger links, LineageStarter starter, LinkPublisher publisher, LineageFinisher finisher) {
        this.ledger = ledger;
        this.links = links;
        this.starter = starter;
        this.publisher = publisher;
        this.finisher = finisher;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinishedRuns() {
        for (Run run : ledger.unfinished(Jobs.RUN_KIND)) {
            log.info("Resuming lineage run {} of migration {} ({} / {}) from pointer {}", run.runId(), run.migrationId(),
                    run.state(), run.stage(), links.pointer());
            try {
                if (run.state() == RunState.QUEUED) {
                    starter.prepare(MessageJson.mapper().readValue(run.command(), StartLineageMigration.class));
                } else if ("PUBLISHING".equals(run.stage())) {
                    publisher.publishInBackground(run.runId());
                } else if (links.open(run.runId()) == 0) {
                    finisher.finish(run.runId());
                }
            } catch (RuntimeException e) {
                log.error("Could not resume lineage run {}: {}. Restart the service to try again.", run.runId(), e.getMessage(), e);
            }
        }
    }
}
