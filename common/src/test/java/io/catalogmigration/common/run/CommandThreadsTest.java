package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.PruneMode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CommandThreadsTest {

    @Test
    void twoLanesRunAtTheSameTime() throws Exception {
        try (var threads = threads(2)) {
            var both = new CountDownLatch(2);
            var met = new CountDownLatch(2);
            for (String database : List.of("rosemeta", "lineage")) {
                threads.submit(command(), database, () -> {
                    both.countDown();
                    try {
                        // each waits for the other: only possible if they run at the same time
                        if (both.await(5, TimeUnit.SECONDS)) {
                            met.countDown();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(met.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void oneLanesCommandsRunInArrivalOrderEvenWhenOneFails() throws Exception {
        try (var threads = threads(2)) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            var done = new CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                int n = i;
                threads.submit(command(), "rosemeta", () -> {
                    sleep(n % 3);
                    order.add(n);
                    if (n == 5) {
                        throw new IllegalStateException("a run that stops without an outcome");
                    }
                    if (n == 19) {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        }
    }

    @Test
    void aRedeliveredCommandIsNotTakenTwiceWhileItsRunIsHereButIsOnceItEnded() throws Exception {
        try (var threads = threads(1)) {
            var command = command();
            var release = new CountDownLatch(1);
            var runs = new AtomicInteger();
            assertThat(threads.submit(command, null, () -> {
                runs.incrementAndGet();
                await(release);
            })).isTrue();
            assertThat(threads.running(command.commandId())).isTrue();
            assertThat(threads.submit(command, null, runs::incrementAndGet)).as("a redelivery while it runs").isFalse();

            release.countDown();
            awaitNotRunning(threads, command.commandId());
            var again = new CountDownLatch(1);
            assertThat(threads.submit(command, null, again::countDown)).as("resumed after it ended").isTrue();
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void closeInterruptsTheRunningCommandAndLeavesNothingHeldHere() throws Exception {
        var threads = threads(2);
        var command = command();
        var running = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        threads.submit(command, "rosemeta", () -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        threads.close();
        assertThat(interrupted).isTrue();
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        awaitNotRunning(threads, command.commandId());
    }

    private static CommandThreads threads(int n) {
        return new CommandThreads("The test threads", n, i -> "test-" + i, Duration.ofSeconds(5));
    }

    private static StartPrune command() {
        return new StartPrune(UUID.randomUUID(), "m-1", Instant.now(), null, List.of(), PruneMode.DRY_RUN, null);
    }

    private static void awaitNotRunning(CommandThreads threads, UUID runId) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !threads.running(runId));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
