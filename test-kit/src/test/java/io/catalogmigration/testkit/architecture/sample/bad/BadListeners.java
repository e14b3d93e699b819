package io.catalogmigration.testkit.architecture.sample.bad;

import org.springframework.kafka.annotation.KafkaListener;

import javax.sql.DataSource;
import java.sql.SQLException;

/** Breaks "listeners only call the application layer": writes to the database itself. */
class BadListeners {

    private final DataSource dataSource;

    BadListeners(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @KafkaListener(topics = "bad")
    void onMessage(String message) throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute(message);
        }
    }
}
