package io.catalogmigration.common.pg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalPositionTest {

    private static final long PAGE = 8192;
    private static final long SEGMENT = 16L << 20;

    @Test
    void aPositionInsideAPageIsTheLastRecordsEnd() {
        assertThat(WalPosition.committed(5 * SEGMENT + 3 * PAGE + 1000, PAGE, SEGMENT)).isEqualTo(5 * SEGMENT + 3 * PAGE + 1000);
    }

    @Test
    void rightAfterAPagesHeaderTheRecordsEndedAtThePagesStart() {
        assertThat(WalPosition.committed(5 * SEGMENT + 3 * PAGE + 24, PAGE, SEGMENT)).isEqualTo(5 * SEGMENT + 3 * PAGE);
    }

    @Test
    void rightAfterASegmentsLongHeaderTheRecordsEndedAtTheSegmentsStart() {
        assertThat(WalPosition.committed(5 * SEGMENT + 40, PAGE, SEGMENT)).isEqualTo(5 * SEGMENT);
    }

    @Test
    void onASegmentsFirstPageAShortHeadersSizeIsARecordsEnd() {
        // the first page's header is 40 bytes: a record may end 24 bytes in only on a later page, never here
        assertThat(WalPosition.committed(5 * SEGMENT + 48, PAGE, SEGMENT)).isEqualTo(5 * SEGMENT + 48);
        assertThat(WalPosition.committed(5 * SEGMENT + 3 * PAGE + 40, PAGE, SEGMENT)).isEqualTo(5 * SEGMENT + 3 * PAGE + 40);
    }

    @Test
    void positionsReadAndPrintAsPostgresWritesThem() {
        assertThat(WalPosition.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(WalPosition.format(WalPosition.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(WalPosition.format(WalPosition.parse("0/0"))).isEqualTo("0/0");
        assertThatThrownBy(() -> WalPosition.parse("16B374D848")).isInstanceOf(IllegalArgumentException.class);
    }
}
