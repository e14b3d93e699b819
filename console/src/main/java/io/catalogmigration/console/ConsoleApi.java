package io.catalogmigration.console;

import io.catalogmigration.console.Views.ConsoleStatus;
import io.catalogmigration.console.Views.MigrationDetail;
import io.catalogmigration.console.Views.MigrationSummary;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.List;
import java.util.function.Supplier;

/** The read-only JSON API under the page. Nothing here changes anything: commands go through the CLI. */
@RestController
@RequestMapping("/api")
class ConsoleApi {

    private final Migrations migrations;
    private final LiveFeed feed;
    private final Supplier<ConsoleStatus> status;

    ConsoleApi(Migrations migrations, LiveFeed feed, Supplier<ConsoleStatus> status) {
        this.migrations = migrations;
        this.feed = feed;
        this.status = status;
    }

    @GetMapping("/migrations")
    List<MigrationSummary> migrations() {
        return migrations.list();
    }

    @GetMapping("/migrations/{id}")
    ResponseEntity<MigrationDetail> migration(@PathVariable String id) {
        return ResponseEntity.of(migrations.detail(id));
    }

    @GetMapping("/status")
    ConsoleStatus status() {
        return status.get();
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() {
        return feed.subscribe(status.get());
    }
}
