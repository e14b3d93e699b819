package io.catalogmigration.replicator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class WorkSharingTest {

    @Test
    void theRangesOfOneLargeTableAreSpreadOverAsManyMessagesAsThereArePartitions() {
        List<Long> items = new ArrayList<>();
        IntStream.range(0, 300).forEach(i -> items.add(8_000L));      // small tables
        IntStream.range(0, 16).forEach(i -> items.add(128_000_000L)); // one large table's ranges

        var messages = WorkSharing.balance(items, Long::longValue, 100, 8);

        assertThat(messages).hasSize(8).allSatisfy(m -> assertThat(m).hasSizeLessThanOrEqualTo(100));
        assertThat(messages).allSatisfy(m -> assertThat(m.stream().filter(w -> w > 1_000_000).count()).isEqualTo(2));
        assertThat(messages.stream().mapToInt(List::size).sum()).isEqualTo(316);
    }

    @Test
    void neverMoreThanTheItemsPerMessageAndNoEmptyMessage() {
        var messages = WorkSharing.balance(List.of(5L, 4L, 3L), Long::longValue, 100, 8);

        assertThat(messages).hasSize(3).allSatisfy(m -> assertThat(m).hasSize(1));
        assertThat(WorkSharing.balance(List.of(), Long::longValue, 100, 8)).isEmpty();
        assertThat(WorkSharing.balance(IntStream.range(0, 1000).mapToObj(i -> 1L).toList(), Long::longValue, 100, 2))
                .hasSize(10).allSatisfy(m -> assertThat(m).hasSize(100));
    }
}
