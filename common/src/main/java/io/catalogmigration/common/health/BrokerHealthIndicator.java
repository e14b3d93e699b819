package io.catalogmigration.common.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether the broker answers, for the readiness probe: a service whose broker is gone receives no command and
 * reports nothing, though its process is alive. The admin client is made on the first check, so a context that is
 * never asked (tests, the local run) holds no extra connection.
 */
public class BrokerHealthIndicator implements HealthIndicator, DisposableBean {

    private final Map<String, Object> adminProperties;
    private final Duration timeout;
    private Admin admin;

    public BrokerHealthIndicator(Map<String, Object> adminProperties, Duration timeout) {
        this.adminProperties = new HashMap<>(adminProperties);
        this.timeout = timeout;
        int ms = (int) timeout.toMillis();
        this.adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        this.adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    }

    @Override
    public Health health() {
        try {
            DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            int nodes = cluster.nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            return Health.up().withDetail("nodes", nodes)
                    .withDetail("clusterId", cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Health.down().withDetail("error", cause.getClass().getSimpleName() + ": " + cause.getMessage()).build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) admin = Admin.create(adminProperties);
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) admin.close(Duration.ofSeconds(1));
    }
}
