package io.catalogmigration.local;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Small runs of the README's first command and of the benchmarks, so neither can rot unnoticed. Not timed. */
class LocalRunSmokeTest {

    @Test
    void theLocalRunDryRunsThenPurgesASampleCatalog() {
        var outcomes = LocalRun.run(20_000);

        assertThat(outcomes).hasSize(2).allMatch(PruneCompleted.class::isInstance);
        var dryRun = (PruneCompleted) outcomes.get(0);
        var purge = (PruneCompleted) outcomes.get(1);
        assertThat(dryRun.mode()).isEqualTo(PruneMode.DRY_RUN);
        assertThat(purge.rowsDeleted()).isPositive()
                .isEqualTo(dryRun.tables().stream().mapToLong(t -> t.pastRetentionBefore()).sum());
    }

    @Test
    void thePruneBenchmarkMeasuresOursAndTheLimitOnTheSameRows() throws Exception {
        var result = PruneBenchmark.run(50_000);

        assertThat(result.rowsDeleted()).isPositive().isEqualTo(result.limitRowsDeleted());
        assertThat(result.longestWriterWait()).isLessThan(Duration.ofSeconds(1));
        assertThat(result.line()).matches("BENCH prune ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
    }
}
