package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PrunedTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRangesTest {

    @Test
    void rangesCoverTheWholeKeySpanWithoutGapsOrOverlap() {
        var ranges = KeyRanges.split(table(25_000, 1, 100_000), 10_000);

        assertThat(ranges).hasSize(3);
        assertThat(ranges.get(0).fromExclusive()).isZero();
        assertThat(ranges.get(ranges.size() - 1).toInclusive()).isEqualTo(100_000);
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).fromExclusive()).isEqualTo(ranges.get(i - 1).toInclusive());
        }
    }

    @Test
    void aTableWithFewerRowsThanOneBatchIsOneRange() {
        assertThat(KeyRanges.split(table(7, 42, 42), 10_000)).singleElement()
                .satisfies(r -> assertThat(List.of(r.fromExclusive(), r.toInclusive())).containsExactly(41L, 42L));
    }

    @Test
    void nothingPastRetentionMeansNoRanges() {
        assertThat(KeyRanges.split(table(0, 0, 0), 10_000)).isEmpty();
    }

    @Test
    void moreBatchesThanKeysStillGivesOneKeyPerRangeAtLeast() {
        var ranges = KeyRanges.split(table(50, 1, 3), 1);

        assertThat(ranges).hasSize(3).allSatisfy(r -> assertThat(r.toInclusive() - r.fromExclusive()).isEqualTo(1));
    }

    private static TablePlan table(long past, long minKey, long maxKey) {
        return new TablePlan("g", "t", "id", "ts", Instant.EPOCH, PrunedTable.Status.PRUNED, past * 2, past, minKey, maxKey,
                0, List.of(), null);
    }
}
