package io.catalogmigration.common.progress;

import io.catalogmigration.common.KafkaTestSupport;
import io.catalogmigration.common.ProductionWiring;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.catalogmigration.common.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

/** Progress reports as a dashboard sees them: read back from a real broker with a plain consumer. */
class ProgressReporterTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static EmbeddedKafkaKraftBroker broker;
    private static KafkaTemplate<String, Object> template;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-14T09:00:00Z"));
    private final String migrationId = "mig-" + UUID.randomUUID();
    private final UUID runId = UUID.randomUUID();
    private ProgressReporter reporter;

    @BeforeAll
    static void startBroker() {
        broker = KafkaTestSupport.startBroker();
        KafkaTestSupport.createTopic(broker, Topics.PROGRESS, 1);
        template = ProductionWiring.messageTemplate(broker.getBrokersAsString());
    }

    @AfterAll
    static void stopBroker() {
        ((DefaultKafkaProducerFactory<?, ?>) template.getProducerFactory()).destroy();
        broker.destroy();
    }

    @BeforeEach
    void reporterOfThePruneService() {
        reporter = new ProgressReporter(new MessagePublisher(template, "prune"), "prune", INTERVAL, clock);
    }

    @Test
    void theFirstReportGoesOutWithRateAndEtaMeasuredFromTheStartOfTheRun() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(10));

        reporter.report(rows("deleting", 500, 1000, started));

        ProgressReported event = single(eventsUntil(e -> true));
        assertThat(event.migrationId()).isEqualTo(migrationId);
        assertThat(event.runId()).isEqualTo(runId);
        assertThat(event.service()).isEqualTo("prune");
        assertThat(event.phase()).isEqualTo("deleting");
        assertThat(event.done()).isEqualTo(500);
        assertThat(event.total()).isEqualTo(1000);
        assertThat(event.unit()).isEqualTo("rows");
        assertThat(event.ratePerSecond()).isEqualTo(50.0);
        assertThat(event.etaSeconds()).isEqualTo(10L);
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2025-03-14T09:00:10Z"));
    }

    @Test
    void aReportWithinTheIntervalIsDroppedButTheFinalReportAlwaysGoesOut() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(10));
        reporter.report(rows("deleting", 500, 1000, started));
        clock.advance(Duration.ofMillis(400));
        reporter.report(rows("deleting", 600, 1000, started));
        clock.advance(Duration.ofMillis(400));
        reporter.report(rows("deleting", 1000, 1000, started));

        // One partition, sent in order: once the final report is there, a dropped one would have been before it.
        List<ProgressReported> events = eventsUntil(e -> e.done() == 1000);

        assertThat(events).extracting(ProgressReported::done).containsExactly(500L, 1000L);
        ProgressReported last = events.get(1);
        assertThat(last.ratePerSecond()).isEqualTo(92.6); // 1000 rows in 10.8 s
        assertThat(last.etaSeconds()).isZero();
    }

    @Test
    void onceTheIntervalHasPassedTheNextReportGoesOutAgain() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(10));
        reporter.report(rows("deleting", 500, 1000, started));
        clock.advance(INTERVAL);
        reporter.report(rows("deleting", 550, 1000, started));
        clock.advance(Duration.ofMillis(999));
        reporter.report(rows("deleting", 560, 1000, started));
        clock.advance(Duration.ofMillis(1));
        reporter.report(rows("deleting", 600, 1000, started));
        reporter.announce(new Progress(migrationId, runId, "deleting", 600, 1000, "rows", started, "end of test"));

        List<ProgressReported> events = eventsUntil(e -> "end of test".equals(e.message()));

        assertThat(events).extracting(ProgressReported::done).containsExactly(500L, 550L, 600L, 600L);
    }

    @Test
    void eachPhaseHasItsOwnIntervalSoANewPhaseIsReportedAtOnce() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(2));
        reporter.report(new Progress(migrationId, runId, "pre-validation", 3, 12, "tables", started, null));
        clock.advance(Duration.ofMillis(10));
        reporter.report(rows("deleting", 0, 1000, started));

        List<ProgressReported> events = eventsUntil(e -> e.phase().equals("deleting"));

        assertThat(events).extracting(ProgressReported::phase).containsExactly("pre-validation", "deleting");
        assertThat(events.get(1).ratePerSecond()).isZero();
        assertThat(events.get(1).etaSeconds()).as("nothing done yet: no ETA to give").isNull();
    }

    @Test
    void theRecordIsKeyedByMigrationAndCarriesCloudEventsHeaders() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(10));

        reporter.report(rows("deleting", 500, 1000, started));

        ConsumerRecord<String, byte[]> record = single(recordsUntil(records -> !records.isEmpty()));
        ProgressReported event = read(record);
        assertThat(record.key()).isEqualTo(migrationId);
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo(event.eventId().toString());
        assertThat(header(record, "ce_type")).isEqualTo("io.catalogmigration.ProgressReported");
        assertThat(header(record, "ce_source")).isEqualTo("/catalog-migration/prune");
        assertThat(header(record, "ce_time")).isEqualTo("2025-03-14T09:00:10Z");
        assertThat(header(record, "ce_subject")).isEqualTo(migrationId);
        assertThat(header(record, "content-type")).isEqualTo("application/json");
        assertThat(header(record, "__TypeId__")).as("no Java class names on the wire").isNull();
    }

    @Test
    void aRunIsDroppedWhenItEndsAndARunNoLongerReportedIsDroppedAfterAnHour() {
        Instant started = clock.instant();
        UUID other = UUID.randomUUID();
        reporter.report(rows("deleting", 1, 10, started));
        reporter.report(new Progress(migrationId, other, "deleting", 1, 10, "rows", started, null));
        assertThat(reporter.tracked()).isEqualTo(2);

        reporter.ended(runId);
        assertThat(reporter.tracked()).isEqualTo(1);

        // Another instance's worker reported the other run, whose end it never sees: the map still drains.
        clock.advance(ProgressReporter.STALE.plusMinutes(1));
        UUID later = UUID.randomUUID();
        reporter.report(new Progress(migrationId, later, "deleting", 1, 10, "rows", clock.instant(), null));
        assertThat(reporter.tracked()).isEqualTo(1);
    }

    @Test
    void anEndedRunsGaugesStayForALastScrapeAndGoOnceStale() {
        var registry = new SimpleMeterRegistry();
        var metered = new ProgressReporter(new MessagePublisher(template, "prune"), "prune", INTERVAL, clock, registry);
        metered.report(rows("deleting", 10, 10, clock.instant()));
        metered.ended(runId);
        assertThat(registry.find("migration.progress.done").tag("run", runId.toString()).gauge()).isNotNull();

        clock.advance(ProgressReporter.STALE.plusMinutes(1));
        metered.report(new Progress(migrationId, UUID.randomUUID(), "deleting", 1, 10, "rows", clock.instant(), null));
        assertThat(registry.find("migration.progress.done").tag("run", runId.toString()).gauge()).isNull();
    }

    private Progress rows(String phase, long done, long total, Instant startedAt) {
        return new Progress(migrationId, runId, phase, done, total, "rows", startedAt, null);
    }

    private List<ProgressReported> eventsUntil(Predicate<ProgressReported> last) {
        return recordsUntil(records -> records.stream().map(ProgressReporterTest::read).anyMatch(last)).stream()
                .map(ProgressReporterTest::read)
                .toList();
    }

    /** This test's records (keyed by its migration id) on the progress topic, until {@code enough}. */
    private List<ConsumerRecord<String, byte[]>> recordsUntil(Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        Predicate<ConsumerRecord<String, byte[]>> ours = r -> migrationId.equals(r.key());
        return KafkaTestSupport.readUntil(broker.getBrokersAsString(), Topics.PROGRESS,
                        all -> enough.test(all.stream().filter(ours).toList()), Duration.ofSeconds(10))
                .stream().filter(ours).toList();
    }

    private static ProgressReported read(ConsumerRecord<String, byte[]> record) {
        return (ProgressReported) MessageJson.mapper().readValue(record.value(), ProgressEvent.class);
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {

        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
