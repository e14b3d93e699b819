package io.catalogmigration.replicator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseThreadsTest {

    @Test
    void twoDatabasesRunAtTheSameTime() throws Exception {
        try (var threads = new DatabaseThreads(2)) {
            var both = new CountDownLatch(2);
            var met = new CountDownLatch(2);
            for (String database : List.of("rosemeta", "lineage")) {
                threads.execute(database, () -> {
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
    void oneDatabasesCommandsRunInArrivalOrderEvenWhenOneFails() throws Exception {
        try (var threads = new DatabaseThreads(2)) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            var done = new CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                int n = i;
                threads.execute("rosemeta", () -> {
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
    void closeInterruptsTheRunningCommand() throws Exception {
        var threads = new DatabaseThreads(2);
        var running = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        threads.execute("rosemeta", () -> {
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
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
