package io.catalogmigration.cli;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.kafka.MessageJson;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends commands and hands each one its outcome. One thread reads the event topics (a Kafka consumer is not
 * thread-safe, and the runbook waits on several commands at once), prints this migration's progress as {@code watch}
 * does, and completes the command whose commandId is the outcome's runId.
 */
final class Outcomes implements AutoCloseable {

    /** A command on its way: {@code outcome} completes with the outcome of its run. */
    record Pending(RunbookStep step, MigrationCommand command, Instant sentAt, CompletableFuture<Event.Outcome> outcome) {
        UUID runId() {
            return command.commandId();
        }

        String type() {
            return command.getClass().getSimpleName();
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REFRESH = Duration.ofSeconds(2);

    private final Broker broker;
    private final String migrationId;
    private final PrintWriter out;
    private final Follower follower;
    private final Map<UUID, Pending> waiting = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile RuntimeException broken;

    Outcomes(Broker broker, String migrationId, PrintWriter out) {
        this.broker = broker;
        this.migrationId = migrationId;
        this.out = out;
        // Positioned at the end now, before anything is sent, so no outcome of ours can be missed.
        this.follower = new Follower(broker, false);
        this.reader = new Thread(this::read, "runbook-outcomes");
        reader.setDaemon(true);
        reader.start();
    }

    Pending send(RunbookStep step, String topic, Class<? extends MigrationCommand> family, MigrationCommand command) {
        var pending = new Pending(step, command, Instant.now(), new CompletableFuture<>());
        // Registered before sending: a quick service may answer before send() returns.
        waiting.put(command.commandId(), pending);
        if (broken != null) throw broken;
        String json = MessageJson.mapper().writerFor(family).writeValueAsString(command);
        try {
            broker.send(topic, migrationId, json, command);
        } catch (RuntimeException e) {
            waiting.remove(command.commandId());
            throw e;
        }
        return pending;
    }

    /** Commands sent whose outcome has not arrived: they go on in their services whatever the runbook does next. */
    List<Pending> stillRunning() {
        List<Pending> open = new ArrayList<>();
        for (Pending p : waiting.values()) {
            if (!p.outcome().isDone()) open.add(p);
        }
        return open;
    }

    private void read() {
        Instant nextRefresh = Instant.now().plus(REFRESH);
        try {
            while (running) {
                if (Instant.now().isAfter(nextRefresh)) {
                    follower.refresh();
                    nextRefresh = Instant.now().plus(REFRESH);
                }
                for (var record : follower.poll(POLL)) {
                    var parsed = Event.parse(record);
                    if (parsed.isEmpty() || !migrationId.equals(parsed.get().migrationId())) continue;
                    Event event = parsed.get();
                    if (event instanceof Event.Progress p) {
                        out.println(Instant.ofEpochMilli(record.timestamp()) + " " + Render.progress(p.event()));
                        out.flush();
                    } else if (event instanceof Event.Outcome o) {
                        Pending pending = waiting.remove(o.runId());
                        if (pending != null) pending.outcome().complete(o);
                    }
                }
            }
        } catch (RuntimeException e) {
            broken = e instanceof BrokerUnreachable ? e
                    : new BrokerUnreachable(broker.bootstrapServers(), broker.timeout(), "read the event topics from", e);
            for (Pending p : waiting.values()) p.outcome().completeExceptionally(broken);
        } finally {
            follower.close();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(POLL.multipliedBy(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
