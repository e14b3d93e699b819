package io.catalogmigration.console;

import io.catalogmigration.console.Views.ConsoleStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the broker, on a schedule, whether it is there. The listener alone cannot tell: a consumer whose broker is gone
 * just polls nothing, which looks the same as a quiet migration. The page says which it is.
 */
final class BrokerWatch implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private final Clock clock;
    private final Admin admin;
    private volatile boolean reachable;
    private volatile Instant checkedAt;
    private volatile String problem = "not checked yet";

    BrokerWatch(Map<String, Object> adminProperties, Duration timeout, Clock clock) {
        this.bootstrapServers = String.valueOf(adminProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG))
                .replaceAll("[\\[\\]]", "");
        this.timeout = timeout;
        this.clock = clock;
        Map<String, Object> props = new HashMap<>(adminProperties);
        int ms = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(props);
    }

    /** Returns true when the answer changed (reachable or not), so the page hears of it at once. */
    boolean check() {
        boolean before = reachable;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            reachable = true;
            problem = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            reachable = false;
            problem = e.getCause() == null ? "no answer" : e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            reachable = false;
            problem = "no answer within " + timeout.toMillis() + " ms";
        }
        checkedAt = clock.instant();
        return before != reachable;
    }

    ConsoleStatus status(Migrations migrations, long unreadable) {
        return new ConsoleStatus(bootstrapServers, reachable, checkedAt, problem, migrations.lastEventAt(),
                migrations.eventsRead(), unreadable);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
