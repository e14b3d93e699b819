package io.catalogmigration.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link PostgresCluster}'s container path ({@link Containers}): the official {@code postgres:<major>} image with
 * the builder's settings, the same superuser and password files, and on {@code rdsShaped()} the same RDS-like
 * administrator. What it cannot give: the server's files and binaries (they are inside the container), RDS's
 * extension allow-list (the image's extensions are as shipped), and a server reaching another one at 127.0.0.1
 * (a subscription from one container to another needs a shared network, which the kit does not set up).
 */
final class ContainerPostgres {

    /** The major without {@code version(n)}: the one docker-compose.yml runs. */
    static final int DEFAULT_MAJOR = 15;

    private static final Logger log = LoggerFactory.getLogger(ContainerPostgres.class);

    static PostgresCluster start(String name, Map<String, String> settings, Integer major, boolean rdsShaped) {
        String image = "postgres:" + (major == null ? DEFAULT_MAJOR : major);
        String superuser = rdsShaped ? PostgresCluster.RDS_SUPERUSER : PostgresCluster.SUPERUSER;
        String password = PostgresCluster.randomPassword();
        List<String> command = new ArrayList<>(List.of("postgres"));
        settings.forEach((key, value) -> {
            // the container listens on every address of its own network and its port is mapped
            if (!key.equals("listen_addresses") && !key.equals("port")) {
                command.add("-c");
                command.add(key + "=" + value);
            }
        });
        PostgreSQLContainer container = new PostgreSQLContainer(image).withUsername(superuser).withPassword(password)
                .withDatabaseName("postgres");
        container.setCommand(command.toArray(String[]::new));
        container.start();
        Path base = null;
        try {
            base = Files.createTempDirectory("pgkit-" + name + "-container-");
            // so that another JVM's sweep of leftovers leaves it alone while this one lives
            LeftoverClusters.writeOwner(base);
            Path passwordFile = PostgresCluster.writeSecret(base, PostgresCluster.PASSWORD_FILE, password);
            String host = container.getHost();
            int port = container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
            int serverMajor;
            RdsAdministrator rdsAdmin = null;
            try (Connection connection = PostgresCluster.connect(PostgresCluster.jdbcUrl(host, port, "postgres"), superuser,
                    password)) {
                serverMajor = Integer.parseInt(PostgresCluster.one(connection, "show server_version_num")) / 10_000;
                if (rdsShaped) {
                    rdsAdmin = RdsAdministrator.create(connection, serverMajor, base, PostgresCluster.randomPassword());
                }
            }
            log.info("PostgreSQL {} cluster '{}' runs in container {} at {}:{}", serverMajor, name,
                    container.getContainerId(), host, port);
            return PostgresCluster.inContainer(name, host, port, container::stop, base, superuser, password, passwordFile,
                    serverMajor, rdsAdmin);
        } catch (IOException | SQLException | RuntimeException e) {
            container.stop();
            if (base != null) {
                try {
                    Directories.deleteRecursively(base);
                } catch (IOException ignored) {
                    // the failure below is what matters
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not set up PostgreSQL container '" + name + "'", io);
            }
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException("could not set up PostgreSQL container '" + name + "': " + e.getMessage(), e);
        }
    }

    private ContainerPostgres() {
    }
}
