package io.catalogmigration.testkit;

import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The one switch between the two ways the kit runs its servers: Kafka and PostgreSQL in containers (Testcontainers)
 * where a Docker engine answers, or the in-process KRaft broker and {@code initdb} clusters otherwise.
 * {@code -Dcatalog.test.containers=auto|never|always} (or the environment variable {@code CATALOG_TEST_CONTAINERS});
 * {@code auto} when unset. {@code never} does not even look for an engine; {@code always} fails at once, saying so,
 * when none answers. The choice is made once per JVM.
 */
public final class Containers {

    public static final String PROPERTY = "catalog.test.containers";
    public static final String ENVIRONMENT = "CATALOG_TEST_CONTAINERS";

    enum Mode { AUTO, NEVER, ALWAYS }

    private static volatile Boolean chosen;

    /** True when this JVM's kit servers run in containers. */
    public static boolean enabled() {
        Boolean choice = chosen;
        if (choice == null) {
            synchronized (Containers.class) {
                if (chosen == null) {
                    String setting = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
                    chosen = choose(setting, Containers::engineAnswers);
                }
                choice = chosen;
            }
        }
        return choice;
    }

    /** The choice for a setting, asking {@code engineAnswers} only when the setting leaves it open. */
    static boolean choose(String setting, BooleanSupplier engineAnswers) {
        return switch (mode(setting)) {
            case NEVER -> false;
            case AUTO -> engineAnswers.getAsBoolean();
            case ALWAYS -> {
                if (!engineAnswers.getAsBoolean()) {
                    throw new IllegalStateException(PROPERTY + "=always, but no Docker engine answers. Start Docker (or "
                            + "set DOCKER_HOST to one that runs), or run with -D" + PROPERTY + "=auto or never to use the "
                            + "in-process Kafka broker and initdb PostgreSQL clusters.");
                }
                yield true;
            }
        };
    }

    static Mode mode(String setting) {
        if (setting == null || setting.isBlank()) {
            return Mode.AUTO;
        }
        try {
            return Mode.valueOf(setting.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " (or " + ENVIRONMENT + ") must be auto, never or always, not '"
                    + setting + "'");
        }
    }

    /**
     * Whether a Docker engine answers, as Testcontainers finds one. Asked only when something points at an engine
     * (DOCKER_HOST, a Testcontainers configuration, a Docker socket in one of its usual places): without one,
     * Testcontainers would log its search for an engine as an error on every test run of a machine that has none.
     */
    static boolean engineAnswers() {
        String home = System.getProperty("user.home", "");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        boolean pointedAt = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of(home, ".testcontainers.properties"))
                || List.of(Path.of("/var/run/docker.sock"), Path.of(home, ".docker", "run", "docker.sock"),
                        Path.of(home, ".docker", "desktop", "docker.sock"), Path.of(home, ".colima", "docker.sock"),
                        runtime == null ? Path.of("/nonexistent") : Path.of(runtime, "docker.sock"),
                        runtime == null ? Path.of("/nonexistent") : Path.of(runtime, "podman", "podman.sock"))
                .stream().anyMatch(Files::exists);
        return pointedAt && DockerClientFactory.instance().isDockerAvailable();
    }

    private Containers() {
    }
}
