package io.catalogmigration.common.throttle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerThrottlingPropertiesTest {

    @ParameterizedTest(name = "threshold {0}% is rejected")
    @ValueSource(ints = {-1, 0, 101})
    void aThresholdThatIsNotAPercentageIsRejected(int threshold) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ConsumerThrottlingProperties(true, threshold, Duration.ofSeconds(1)))
                .withMessageContaining("migration.consumer-throttling.threshold")
                .withMessageContaining(String.valueOf(threshold));
    }

    @ParameterizedTest(name = "threshold {0}% is accepted")
    @ValueSource(ints = {1, 100})
    void theEndsOfThePercentageRangeAreAccepted(int threshold) {
        assertThat(new ConsumerThrottlingProperties(true, threshold, Duration.ZERO).threshold()).isEqualTo(threshold);
    }

    @Test
    void aNegativeBreakIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ConsumerThrottlingProperties(true, 90, Duration.ofMillis(-1)))
                .withMessageContaining("migration.consumer-throttling.duration");
    }

    @Test
    void aBreakLongerThanAMinuteIsRejectedBecauseTheGroupWouldWaitForIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(61)))
                .withMessageContaining("migration.consumer-throttling.duration")
                .withMessageContaining("lower the threshold instead");
        assertThat(new ConsumerThrottlingProperties(true, 90, Duration.ofMinutes(1)).duration()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void unconfiguredThrottlingIsOffAt90PercentWithOneSecondBreaks() {
        var settings = bind(Map.of());

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.threshold()).isEqualTo(90);
        assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theRunbookSettingsBindFromProperties() {
        var settings = bind(Map.of(
                "migration.consumer-throttling.enabled", "true",
                "migration.consumer-throttling.threshold", "75",
                "migration.consumer-throttling.duration", "2500ms"));

        assertThat(settings).isEqualTo(new ConsumerThrottlingProperties(true, 75, Duration.ofMillis(2500)));
    }

    @Test
    void aBadThresholdInTheConfigurationStopsTheServiceFromStarting() {
        assertThatThrownBy(() -> bind(Map.of("migration.consumer-throttling.threshold", "150")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("150");
    }

    private static ConsumerThrottlingProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("migration", io.catalogmigration.common.MigrationProperties.class).consumerThrottling();
    }
}
