package io.catalogmigration.console;

import io.catalogmigration.console.Views.ConsoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pushes changes to every open page as server-sent events: {@code migration} (a migration's whole detail, as
 * {@code /api/migrations/{id}} gives it) and {@code status} (the status line). Changes are gathered and pushed by
 * {@link #flush()} on a schedule, so a burst of progress costs one update per migration.
 */
final class LiveFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Migrations migrations;
    private volatile boolean running;

    LiveFeed(Migrations migrations) {
        this.migrations = migrations;
    }

    SseEmitter subscribe(ConsoleStatus status) {
        // No timeout: the page stays open for the whole migration; a dead connection is dropped at the next send.
        var emitter = new SseEmitter(0L);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitters.add(emitter);
        send(emitter, "status", status);
        return emitter;
    }

    void changed(String migrationId) {
        changed.add(migrationId);
    }

    void flush() {
        if (changed.isEmpty()) return;
        List<String> ids = new ArrayList<>(changed);
        changed.removeAll(ids);
        for (String id : ids) {
            migrations.detail(id).ifPresent(detail -> broadcast("migration", detail));
        }
    }

    void broadcast(String name, Object data) {
        for (SseEmitter emitter : emitters) send(emitter, name, data);
    }

    int listeners() {
        return emitters.size();
    }

    private void send(SseEmitter emitter, String name, Object data) {
        try {
            emitter.send(SseEmitter.event().name(name).data(data));
        } catch (IOException | IllegalStateException e) {
            // The browser went away; its emitter is finished and forgotten.
            log.debug("Dropped a page that went away: {}", e.getClass().getSimpleName());
            emitters.remove(emitter);
            emitter.completeWithError(e);
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every open stream before the web server stops (the highest phase stops first): the server would otherwise
     * time out each one on its way down and log it.
     */
    @Override
    public void stop() {
        running = false;
        emitters.forEach(SseEmitter::complete);
        emitters.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
