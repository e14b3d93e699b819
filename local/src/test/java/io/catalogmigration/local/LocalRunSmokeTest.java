package io.catalogmigration.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small runs of the benchmarks, so none can rot unnoticed (the README's first command has its own test). Not timed. */
class LocalRunSmokeTest {

    @Test
    void thePruneBenchmarkMeasuresOursAndTheLimitOnTheSameRows() throws Exception {
        var result = PruneBenchmark.run(50_000);

        assertThat(result.rowsDeleted()).isPositive().isEqualTo(result.limitRowsDeleted());
        assertThat(result.longestWriterWait()).isLessThan(Duration.ofSeconds(1));
        assertThat(result.line()).matches("BENCH prune ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
    }

    @Test
    void theLineageBenchmarkMovesEveryLinkAndMeasuresTheCopyLimit() throws Exception {
        var result = LineageBenchmark.run(20_000, false);

        assertThat(result.links()).isBetween(19_000L, 21_000L);
        assertThat(result.ours()).isPositive();
        assertThat(result.linksJob()).as("the links job ends before the outcome").isGreaterThan(result.ours());
        assertThat(result.limit()).isPositive();
        assertThat(result.line()).matches(
                "BENCH lineage ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d end_to_end=\\d+ end_to_end_ratio=\\d+\\.\\d\\d");
    }

    @Test
    void theScanBenchmarkScansWithBothMethodsAndMeasuresBothLimits() throws Exception {
        var result = ScanBenchmark.run(0.01);

        assertThat(result.bytes()).isPositive();
        assertThat(result.runbookMbPerSecond()).isPositive();
        assertThat(result.fallback().line()).matches("BENCH scan-fallback ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
        assertThat(result.amcheck().line()).matches("BENCH scan ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
    }

    @Test
    void theConsoleBenchmarkRebuildsFromEveryEventAndMeasuresABareRead() throws Exception {
        var result = ConsoleBenchmark.run(5_000);

        assertThat(result.events()).isEqualTo(5_000);
        assertThat(result.ourSeconds()).isPositive();
        assertThat(result.limitSeconds()).isPositive();
        assertThat(result.line()).matches("BENCH console ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
    }

    @Test
    void theReplicateBenchmarkReplicatesToReadyAndMeasuresDumpAndRestore() throws Exception {
        var result = ReplicateBenchmark.run(0.02, List.of("native", "snapshot"));

        assertThat(result.bytes()).isGreaterThan(15_000_000L);
        assertThat(result.tables()).isGreaterThan(1);
        assertThat(result.methodSeconds()).containsOnlyKeys("native", "snapshot");
        assertThat(result.ours()).isPositive();
        assertThat(result.limit()).isPositive();
        assertThat(result.line()).matches("BENCH replicate ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d");
    }

    @Test
    void theCutoverBenchmarkCutsOverUnderAWriterAndMeasuresTheOnlinePassAgainstReadingEverything() throws Exception {
        var small = CutoverBenchmark.run(0.03);
        var large = CutoverBenchmark.run(0.06);

        assertThat(large.bytes()).isGreaterThan(small.bytes());
        assertThat(small.downtimeMs()).isPositive().isLessThan(10_000);
        assertThat(large.rowsInWindow()).isPositive();
        assertThat(large.passSeconds()).isPositive();
        assertThat(large.limitSeconds()).isPositive();
        assertThat(CutoverBenchmark.lines(small, large)).satisfiesExactly(
                l -> assertThat(l).matches("BENCH cutover-downtime small_ms=\\d+ large_ms=\\d+ ratio=\\d+\\.\\d\\d"),
                l -> assertThat(l).matches("BENCH verify ours=\\d+ limit=\\d+ ratio=\\d+\\.\\d\\d"));
    }
}
