package io.catalogmigration.console;

import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real headless browser on the console while a small migration runs: the page follows every step live, without a
 * reload, and ends showing the whole runbook; then the broker goes away and the page says so, keeping what it
 * showed. Leaves console/target/console-screenshot.png behind.
 */
class ConsoleBrowserTest {

    static final Path SCREENSHOT = Path.of("target", "console-screenshot.png");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anOperatorWatchesASmallMigrationFromPruneToCutoverWithoutReloadingThePage() throws Exception {
        // Event times as a real run would space them, ending now, so durations on the page look like a migration's.
        Instant t = Instant.now().minus(Duration.ofMinutes(24));
        var events = new SampleEvents("rds-2026-12");
        var rehearsal = new SampleEvents("rds-2026-11-rehearsal");
        UUID prune = UUID.randomUUID(), lineage = UUID.randomUUID(), replicate = UUID.randomUUID();
        UUID failedPreflight = UUID.randomUUID(), preflight = UUID.randomUUID(), cutover = UUID.randomUUID();

        try (var kafka = KafkaBroker.start(); var topics = new EventTopics(kafka.bootstrapServers())) {
            kafka.createTopic(Topics.PROGRESS, 3);
            kafka.createTopic(Topics.OUTCOME, 3);
            topics.publish(rehearsal.scanFailed(UUID.randomUUID(), "table rosemeta_x does not exist in rosemeta",
                    "correct scan.tables, then send StartScan again", t.minus(Duration.ofDays(1))));
            try (var console = RunningConsole.start(kafka.bootstrapServers(), "console-browser");
                 var chromium = HeadlessChromium.start()) {
                WebDriver page = chromium.driver;
                page.get("http://127.0.0.1:" + console.port + "/");
                awaitText(page, By.id("status"), "reachable");
                assertThat(text(page, By.id("status"), null)).doesNotContain("NOT reachable");
                chromium.driver.executeScript("window.sameDocument = 'never reloaded'");

                topics.publish(events.progress("prune", prune, "deleting", 62_500, 250_000, "rows", 347.2, 540L, "3 of 8 tables", t.plusSeconds(180)));
                click(page, By.cssSelector("a.migration[data-id='rds-2026-12']"));
                awaitText(page, phase(prune, "deleting"), "62,500 / 250,000 rows (25%)");
                assertThat(text(page, step(prune), ".badge")).isEqualTo("running");
                assertThat(text(page, phase(prune, "deleting"), ".eta")).isEqualTo("ETA 9 min 0 s");

                topics.publish(events.progress("prune", prune, "deleting", 187_500, 250_000, "rows", 520.8, 120L, "7 of 8 tables", t.plusSeconds(360)),
                        events.progress("lineage-migrator", lineage, "persisting", 400_000, 1_000_000, "links", 2_000.0, 300L, null, t.plusSeconds(370)));
                awaitText(page, phase(prune, "deleting"), "187,500 / 250,000 rows (75%)");
                awaitAttribute(page, By.cssSelector("[data-key='" + prune + "'] [data-phase='deleting'] .bar"), "aria-valuenow", "75");
                awaitText(page, phase(lineage, "persisting"), "400,000 / 1,000,000 links (40%)");

                topics.publish(events.progress("prune", prune, "deleting", 250_000, 250_000, "rows", 520.8, 0L, "8 of 8 tables", t.plusSeconds(479)),
                        events.pruneCompleted(prune, 250_000, t.plusSeconds(480)),
                        events.progress("lineage-migrator", lineage, "persisting", 1_000_000, 1_000_000, "links", 1_941.7, 0L, null, t.plusSeconds(699)),
                        events.lineageMigrated(lineage, 1_000_000, t.plusSeconds(700)));
                awaitAttribute(page, step(prune), "data-state", "SUCCEEDED");
                assertThat(text(page, step(prune), ".took")).isEqualTo("5 min 0 s");
                awaitAttribute(page, step(lineage), "data-state", "SUCCEEDED");

                topics.publish(events.progress("replicator", replicate, "copying", 1_200_000_000L, 3_100_000_000L, "bytes", 40_000_000.0, 48L,
                                "rosemeta: 87/212 tables or block ranges copied", t.plusSeconds(840)),
                        events.progress("replicator", replicate, "copying", 3_100_000_000L, 3_100_000_000L, "bytes", 41_333_333.3, 0L,
                                "rosemeta: 212/212 tables or block ranges copied", t.plusSeconds(900)),
                        events.replicationStarted(replicate, "rosemeta", 212, t.plusSeconds(910)));
                awaitText(page, phase(replicate, "copying"), "3.1 GB / 3.1 GB");
                UUID verification = UUID.randomUUID();
                for (int i = 0; i < 3; i++) {
                    UUID check = UUID.randomUUID();
                    Instant at = t.plusSeconds(960 + i * 30L);
                    boolean last = i == 2;
                    int chunks = last ? 62 : 25 * (i + 1);
                    topics.publish(events.progress("replicator", verification, "verify", chunks * 50_000_000L, 3_100_000_000L,
                                    "bytes", 52_000_000.0, last ? 0L : 40L, "rosemeta: online verification", at.minusSeconds(2)),
                            events.progress("replicator", check, "sync", 212, 212, "tables", 212.0, 0L,
                                    "rosemeta: 212/212 tables ready, lag %,d bytes".formatted(last ? 4_096 : 48_000_000), at),
                            events.status(check, "rosemeta", last ? ReplicationStatusReported.STOP_WAITING
                                    : ReplicationStatusReported.NEED_TO_WAIT, last ? 4_096 : 48_000_000,
                                    SampleEvents.verification(last ? "VERIFIED" : "VERIFYING", chunks, 62, List.of()),
                                    at.plusSeconds(1)));
                    awaitText(page, fact("catch-up:rosemeta", "lagBytes"), last ? "4.1 kB" : "48.0 MB");
                }
                awaitText(page, fact("catch-up:rosemeta", "verification.state"), "VERIFIED");
                awaitText(page, By.cssSelector("[data-key='catch-up:rosemeta'] [data-phase='verify']"), "3.1 GB / 3.1 GB (100%)");
                awaitAttribute(page, By.cssSelector("[data-key='catch-up:rosemeta']"), "data-state", "SUCCEEDED");
                assertThat(text(page, By.cssSelector("[data-key='catch-up:rosemeta']"), "[data-fact='checks']")).endsWith("3");

                topics.publish(events.preflightFailed(failedPreflight, "sequence rosemeta.public.edge_id_seq is behind its column",
                        "send RunPreflight again: the preflight raises sequences that are behind", t.plusSeconds(1_100)));
                awaitText(page, step(failedPreflight), "sequence rosemeta.public.edge_id_seq is behind its column");
                assertThat(text(page, step(failedPreflight), ".action")).isEqualTo("send RunPreflight again: the preflight raises sequences that are behind");
                assertThat(text(page, By.id("migration-state"), null)).isEqualTo("failed");

                topics.publish(events.preflightPassed(preflight, t.plusSeconds(1_200)),
                        events.progress("cutover", cutover, "cutover", 5, 8, "steps", 5.0, null, "SWITCH", t.plusSeconds(1_300)));
                awaitText(page, phase(cutover, "cutover"), "5 / 8 steps");
                assertThat(text(page, phase(cutover, "cutover"), ".message")).isEqualTo("SWITCH");
                assertThat(text(page, By.id("migration-state"), null)).isEqualTo("running");

                topics.publish(events.progress("cutover", cutover, "cutover", 8, 8, "steps", 4.0, 0L, "completed", t.plusSeconds(1_302)),
                        events.cutoverCompleted(cutover, 1_234, t.plusSeconds(1_302)));
                awaitText(page, fact(cutover.toString(), "writeDowntimeMillis"), "write downtime 1.23 s");
                awaitText(page, By.id("migration-state"), "succeeded");
                assertThat(page.findElements(By.cssSelector("[data-key='" + cutover + "'] [data-cutover-phase]"))).hasSize(2);
                assertThat(text(page, By.id("detail"), null)).contains("cut over");
                assertThat(page.findElements(By.cssSelector("#timeline > li.step"))).hasSize(7);
                assertThat(text(page, By.cssSelector("a.migration[data-id='rds-2026-11-rehearsal']"), null)).contains("failed");

                assertThat(chromium.driver.executeScript("return window.sameDocument")).as("the page was never reloaded")
                        .isEqualTo("never reloaded");
                chromium.screenshot(SCREENSHOT);

                topics.close();
                kafka.close();
                awaitText(page, By.id("status"), "NOT reachable");
                assertThat(text(page, By.id("status"), null)).contains("showing what was read before");
                assertThat(page.findElements(By.cssSelector("#timeline > li.step"))).as("still on the page").hasSize(7);
            }
        }
    }

    private static By step(UUID runId) {
        return By.cssSelector("[data-key='" + runId + "']");
    }

    private static By phase(UUID runId, String phase) {
        return By.cssSelector("[data-key='" + runId + "'] [data-phase='" + phase + "']");
    }

    private static By fact(String stepKey, String fact) {
        return By.cssSelector("[data-key='" + stepKey + "'] [data-fact='" + fact + "']");
    }

    private static void click(WebDriver page, By by) {
        new WebDriverWait(page, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(d -> {
                    d.findElement(by).click();
                    return true;
                });
    }

    /** Waits for the text; the page re-renders on every pushed change, so elements are looked up again each time. */
    private static void awaitText(WebDriver page, By by, String expected) {
        new WebDriverWait(page, WAIT).withMessage(() -> "'" + expected + "' in " + by + "; the page said: "
                        + page.findElement(By.tagName("body")).getText())
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(expected)));
    }

    private static void awaitAttribute(WebDriver page, By by, String attribute, String expected) {
        new WebDriverWait(page, WAIT).withMessage(() -> attribute + "=" + expected + " on " + by)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(by).stream().anyMatch(e -> expected.equals(e.getAttribute(attribute))));
    }

    /** The text now; looked up again if a pushed change re-rendered the element between finding and reading it. */
    private static String text(WebDriver page, By by, String inner) {
        return new WebDriverWait(page, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    WebElement element = d.findElement(by);
                    return (inner == null ? element : element.findElement(By.cssSelector(inner))).getText();
                });
    }
}
