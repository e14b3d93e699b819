package io.catalogmigration.testkit;

import io.catalogmigration.common.secret.SecretPolicy;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Boots a service's Spring application against a kit broker and a control database on a kit cluster, as a separate
 * context that a test can stop and start again (a crashed or restarted instance).
 */
public final class ServiceRunner {

    public static final String CONTROL_DATABASE = "migration_control";

    /**
     * The kit's secrets: files (the clusters' password files and the tests' own, all under temporary directories)
     * and environment variables, for servers on this machine only. The services' own secrets stay reserved.
     */
    public static final List<String> KIT_REFERENCES = List.of("file:/*", "env:*");
    public static final List<String> KIT_HOSTS = List.of("127.0.0.1", "localhost", "::1");
    public static final SecretPolicy KIT_SECRETS = SecretPolicy.allowing(KIT_REFERENCES, KIT_HOSTS, false);

    /** Creates the control database on the cluster unless it exists. */
    public static void ensureControlDatabase(PostgresCluster control) {
        if (control.queryForLong("postgres", "select count(*) from pg_database where datname = '" + CONTROL_DATABASE + "'") == 0) {
            control.createDatabase(CONTROL_DATABASE);
        }
    }

    public static Map<String, Object> properties(PostgresCluster control, String bootstrapServers) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", control.jdbcUrl(CONTROL_DATABASE));
        // the services' administrator: on an RDS-shaped cluster not a superuser, as the control database on RDS would be
        properties.put("spring.datasource.username", control.adminUser());
        properties.put("spring.datasource.password", control.adminPassword());
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("spring.main.banner-mode", "off");
        properties.put("spring.main.web-application-type", "none");
        properties.put("migration.retry.initial-interval-ms", "100");
        properties.put("migration.progress.min-interval", "200ms");
        properties.put("migration.secrets.rules[0].references", String.join(",", KIT_REFERENCES));
        properties.put("migration.secrets.rules[0].hosts", String.join(",", KIT_HOSTS));
        return properties;
    }

    public static ConfigurableApplicationContext start(Class<?> application, PostgresCluster control,
                                                       String bootstrapServers, Map<String, Object> overrides) {
        ensureControlDatabase(control);
        Map<String, Object> properties = properties(control, bootstrapServers);
        configName(application).ifPresent(name -> properties.put("spring.config.name", name));
        properties.putAll(overrides);
        // Command-line arguments win over every application.yml, as they would in a deployment.
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(application).registerShutdownHook(false).run(args);
    }

    /**
     * Services name their configuration file after themselves (a public static {@code CONFIG} on the application
     * class), because every service jar on one classpath would otherwise offer the same application.yml.
     */
    static java.util.Optional<String> configName(Class<?> application) {
        try {
            return java.util.Optional.of((String) application.getField("CONFIG").get(null));
        } catch (NoSuchFieldException e) {
            return java.util.Optional.empty();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(application + ".CONFIG is not readable", e);
        }
    }

    public static void stop(ConfigurableApplicationContext context) {
        if (context != null && context.isActive()) {
            SpringApplication.exit(context);
        }
    }

    private ServiceRunner() {
    }
}
