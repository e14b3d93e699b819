package io.catalogmigration.console;

import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.console.Views.MigrationDetail;
import io.catalogmigration.console.Views.MigrationSummary;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every migration the console knows, newest first. One thread folds events in while request threads read; each read
 * builds an immutable view under the same lock, so a page never sees half an event.
 */
final class Migrations {

    private final Map<String, Migration> byId = new HashMap<>();
    private final int capacity;
    private final Clock clock;
    private Instant lastEventAt;
    private long eventsRead;

    Migrations(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Folds one event in; returns false for an event without a migration id (nothing to show it under). */
    synchronized boolean apply(MigrationEvent event) {
        if (event.migrationId() == null || event.occurredAt() == null) return false;
        byId.computeIfAbsent(event.migrationId(), Migration::new).apply(event);
        eventsRead++;
        if (lastEventAt == null || event.occurredAt().isAfter(lastEventAt)) lastEventAt = event.occurredAt();
        if (byId.size() > capacity) forgetOldest();
        return true;
    }

    /** Folds a poll's events in under one lock; returns the migrations that changed. */
    synchronized Set<String> applyAll(List<MigrationEvent> events) {
        Set<String> changed = new HashSet<>();
        for (MigrationEvent event : events) {
            if (apply(event)) changed.add(event.migrationId());
        }
        return changed;
    }

    synchronized List<MigrationSummary> list() {
        Instant now = clock.instant();
        return byId.values().stream().sorted(Comparator.comparing((Migration m) -> m.lastEventAt).reversed())
                .map(m -> m.summary(now)).toList();
    }

    synchronized Optional<MigrationDetail> detail(String id) {
        Migration migration = byId.get(id);
        return migration == null ? Optional.empty() : Optional.of(migration.detail(clock.instant()));
    }

    synchronized Instant lastEventAt() {
        return lastEventAt;
    }

    synchronized long eventsRead() {
        return eventsRead;
    }

    private void forgetOldest() {
        byId.values().stream().min(Comparator.comparing((Migration m) -> m.lastEventAt))
                .ifPresent(m -> byId.remove(m.id));
    }
}
