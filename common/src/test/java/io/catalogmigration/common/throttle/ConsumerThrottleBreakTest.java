package io.catalogmigration.common.throttle;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A break is taken on the consumer's own thread and nothing is asked of the container from another one: a resume from a
 * timer thread woke the consumer while it committed after a rebalance, and Spring Kafka dropped the records that poll had
 * returned (issue #15: two lineage messages committed, never persisted, the run never ended).
 */
class ConsumerThrottleBreakTest {

    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    ConsumerThrottleBreakTest() {
        scheduler.initialize();
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdown();
    }

    @Test
    void overTheThresholdTheConsumersThreadTakesTheBreakAndTheContainerIsNeitherPausedNorResumed() throws Exception {
        var throttle = throttle(Duration.ofMillis(300));
        var container = new ContainerSpy();

        long start = System.nanoTime();
        throttle.afterBatch(container.proxy(), Duration.ofMinutes(1));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Thread.sleep(400);

        assertThat(throttle.pauses()).isEqualTo(1);
        assertThat(took).as("the break held the thread that finished the batch (ms)").isBetween(280L, 2_000L);
        assertThat(container.commands()).as("no pause, no resume, no wakeup").isEmpty();
        assertThat(container.calls).as("every call came from the consumer's thread")
                .allSatisfy(call -> assertThat(call.thread()).isSameAs(Thread.currentThread()));
    }

    @Test
    void aBreakEndsWhenTheContainerStops() throws Exception {
        var throttle = throttle(Duration.ofSeconds(60));
        var container = new ContainerSpy();

        var consumer = CompletableFuture.runAsync(() -> throttle.afterBatch(container.proxy(), Duration.ofMinutes(1)));
        Thread.sleep(300);
        assertThat(consumer).as("still on its break").isNotDone();
        container.running = false;

        consumer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aBreakIsCutToTheLongestTheConsumersPollIntervalAllows() {
        var throttle = throttle(Duration.ofSeconds(60));
        long start = System.nanoTime();

        throttle.afterBatch(new ContainerSpy().proxy(), Duration.ofMillis(300));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 2_000L);
    }

    @Test
    void aPublisherThatFillsTheHeapTakesTheSameBreakAndEndsItWhenItStops() throws Exception {
        var throttle = throttle(Duration.ofSeconds(60));
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);

        var publisher = CompletableFuture.runAsync(() -> throttle.breakIfTight("publisher", running::get, Duration.ofMinutes(1)));
        Thread.sleep(300);
        assertThat(publisher).as("on its break").isNotDone();
        running.set(false);

        publisher.get(5, TimeUnit.SECONDS);
        assertThat(throttle.pauses()).isEqualTo(1);
    }

    @Test
    void underTheThresholdThereIsNoBreak() {
        var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(60)),
                () -> 10.0, scheduler, new SimpleMeterRegistry());
        long start = System.nanoTime();

        throttle.afterBatch(new ContainerSpy().proxy(), Duration.ofMinutes(1));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThat(throttle.pauses()).isZero();
    }

    @Test
    void theThresholdIsACeilingSoAReadingATenthBelowItAlreadyTakesABreak() {
        var justUnder = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 40, Duration.ofMillis(50)),
                () -> 36.5, scheduler, new SimpleMeterRegistry());
        var wellUnder = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 40, Duration.ofMillis(50)),
                () -> 35.5, scheduler, new SimpleMeterRegistry());

        justUnder.afterBatch(new ContainerSpy().proxy(), Duration.ofMinutes(1));
        wellUnder.afterBatch(new ContainerSpy().proxy(), Duration.ofMinutes(1));

        assertThat(justUnder.pauses()).as("36.5 %% is within 4 points (a tenth) of 40 %%").isEqualTo(1);
        assertThat(wellUnder.pauses()).as("35.5 %% is not, and the reading has not risen").isZero();
    }

    private ConsumerThrottle throttle(Duration breakLength) {
        return new ConsumerThrottle(new ConsumerThrottlingProperties(true, 25, breakLength), () -> 50.0, scheduler,
                new SimpleMeterRegistry());
    }
}
