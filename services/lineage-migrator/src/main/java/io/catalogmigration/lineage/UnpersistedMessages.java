package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ConsumerGroupLag;
import io.catalogmigration.common.kafka.ErrorHandling;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published messages that nobody will persist: the work topic is drained (the consumer group has committed every record
 * on it, and a record is committed only once it was persisted or dead-lettered), yet the run still has messages open and
 * nothing has moved for {@value #LOOKS} looks of the watch. Their persisting failed past the error handler's retries
 * (they are on the dead-letter topic) or they were lost on the way (issue #15: a consumer woken during a commit dropped
 * the records its poll had returned). Without this the run would wait for them for ever, with no outcome. They are
 * published again from the pointer by the instance that takes the run's lease, up to {@value #ROUNDS} times per
 * instance; then the run fails, naming them.
 */
class UnpersistedMessages {

    private static final Logger log = LoggerFactory.getLogger(UnpersistedMessages.class);
    static final int LOOKS = 3;
    static final int ROUNDS = 3;

    private record Look(long open, long pointer, int drained) {
    }

    private final RunLedger ledger;
    private final LinkLedger links;
    private final ConsumerGroupLag lag;
    private final RunLease lease;
    private final LinkPublisher publisher;
    private final LineageOutcomes outcomes;
    private final Map<UUID, Look> looks = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> rounds = new ConcurrentHashMap<>();

    UnpersistedMessages(RunLedger ledger, LinkLedger links, ConsumerGroupLag lag, RunLease lease, LinkPublisher publisher,
                        LineageOutcomes outcomes) {
        this.ledger = ledger;
        this.links = links;
        this.lag = lag;
        this.lease = lease;
        this.publisher = publisher;
        this.outcomes = outcomes;
    }

    /** One look at a run whose consumers are persisting and which still has messages open. */
    void look(Run run, long open) {
        UUID runId = run.runId();
        long pointer = links.pointer();
        OptionalLong behind = lag.lag(LineageListeners.WORK_GROUP, Topics.LINEAGE_WORK);
        boolean drained = behind.isPresent() && behind.getAsLong() == 0;
        Look before = looks.get(runId);
        int drainedLooks = !drained ? 0
                : before != null && before.open() == open && before.pointer() == pointer ? before.drained() + 1 : 1;
        looks.put(runId, new Look(open, pointer, drainedLooks));
        if (drainedLooks < LOOKS) {
            return;
        }
        looks.remove(runId);
        var seqs = links.openSeqs(runId, 10);
        String which = open + " published messages (numbers " + seqs + (open > seqs.size() ? ", ..." : "") + ")";
        int round = rounds.merge(runId, 1, Integer::sum);
        if (round > ROUNDS) {
            rounds.remove(runId);
            outcomes.failed(runId, run.migrationId(), which + " were never persisted, though published again " + ROUNDS
                            + " times from the pointer and the work topic was drained each time",
                    "look for them on " + Topics.deadLetter(Topics.LINEAGE_WORK) + " (its " + ErrorHandling.REASON_HEADER
                            + " header says why persisting failed), fix that, then send StartLineageMigration again: it "
                            + "continues from the pointer (" + pointer + " links) and what was persisted stays", null, null);
            return;
        }
        if (lease.acquire(runId) == null) {
            return;
        }
        if (!ledger.advanceStage(runId, "PERSISTING", "PUBLISHING")) {
            lease.release(runId);
            return;
        }
        String message = which + " were not persisted though the work topic is drained: dead-lettered (see "
                + Topics.deadLetter(Topics.LINEAGE_WORK) + ") or lost on the way; publishing again from pointer " + pointer
                + " (round " + round + " of " + ROUNDS + ")";
        log.warn("Lineage run {} of migration {}: {}", runId, run.migrationId(), message);
        ledger.say(Jobs.links(runId), message);
        publisher.publishInBackground(runId);
    }

    /** Forgets the runs that have finished. */
    void keepOnly(Collection<UUID> unfinished) {
        looks.keySet().retainAll(unfinished);
        rounds.keySet().retainAll(unfinished);
    }
}
