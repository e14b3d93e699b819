package io.catalogmigration.testkit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The switch between containers and the in-process broker and initdb clusters: its choice for each setting. */
class ContainersTest {

    private final AtomicInteger asked = new AtomicInteger();

    private BooleanSupplier engine(boolean answers) {
        return () -> {
            asked.incrementAndGet();
            return answers;
        };
    }

    @Test
    void neverKeepsTheInProcessPartsWithoutLookingForAnEngine() {
        assertThat(Containers.choose("never", engine(true))).isFalse();
        assertThat(Containers.choose("NEVER", engine(true))).isFalse();
        assertThat(asked).hasValue(0);
    }

    @Test
    void autoUsesContainersExactlyWhenAnEngineAnswers() {
        assertThat(Containers.choose("auto", engine(true))).isTrue();
        assertThat(Containers.choose("auto", engine(false))).isFalse();
        assertThat(Containers.choose(null, engine(false))).as("unset means auto").isFalse();
        assertThat(Containers.choose(" ", engine(true))).as("blank means auto").isTrue();
        assertThat(asked).hasValue(4);
    }

    @Test
    void alwaysFailsClearlyWhenNoEngineAnswers() {
        assertThat(Containers.choose("always", engine(true))).isTrue();
        assertThatThrownBy(() -> Containers.choose("always", engine(false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("catalog.test.containers=always, but no Docker engine answers")
                .hasMessageContaining("DOCKER_HOST")
                .hasMessageContaining("-Dcatalog.test.containers=auto or never");
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> Containers.choose("sometimes", engine(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("catalog.test.containers (or CATALOG_TEST_CONTAINERS) must be auto, never or always, not 'sometimes'");
        assertThat(asked).hasValue(0);
    }
}
