package io.catalogmigration.common.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.net.SocketException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class PgErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "53300", "53100", "53200", "57014", "57P01", "57P02", "57P03", "57P05",
            "40001", "40P01", "40003", "55P03"})
    void connectionResourceShutdownAndConcurrencyFaultsAreRetried(String state) {
        assertThat(PgErrors.transientFault(new SQLException("x", state))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"42501", "42P01", "23503", "XX001", "22P02", "57P04", "40002", "28P01", "3D000"})
    void privilegeSchemaDataAndLoginErrorsStop(String state) {
        assertThat(PgErrors.transientFault(new SQLException("x", state))).isFalse();
    }

    @Test
    void anIoFailureWithoutSqlStateIsAConnectionLoss() {
        var lost = new SQLException("An I/O error occurred while sending to the backend.", (String) null,
                new RuntimeException(new EOFException()));
        assertThat(PgErrors.connectionLost(lost)).isTrue();
        assertThat(PgErrors.transientFault(lost)).isTrue();
        assertThat(PgErrors.connectionLost(new SQLException("refused", "08001", new SocketException()))).isTrue();
    }

    @Test
    void anErrorWithoutSqlStateOrIoCauseIsNotRetried() {
        var unknown = new SQLException("something else", (String) null, new IllegalStateException());
        assertThat(PgErrors.transientFault(unknown)).isFalse();
        assertThat(PgErrors.connectionLost(unknown)).isFalse();
    }

    @Test
    void damagedDataIsToldApartFromOtherErrors() {
        assertThat(PgErrors.dataCorruption(new SQLException("x", "XX001"))).isTrue();
        assertThat(PgErrors.dataCorruption(new SQLException("unexpected chunk number", "XX000"))).isTrue();
        assertThat(PgErrors.dataCorruption(new SQLException("x", "22021"))).isTrue();
        assertThat(PgErrors.dataCorruption(new SQLException("x", "58P01"))).isTrue();
        assertThat(PgErrors.dataCorruption(new SQLException("x", "08006"))).isFalse();
    }

    @Test
    void describeAddsTheSqlStateToTheServersMessage() {
        assertThat(PgErrors.describe(new SQLException("permission denied for table t", "42501")))
                .isEqualTo("permission denied for table t (SQLSTATE 42501)");
        assertThat(PgErrors.describe(new SQLException("no state"))).isEqualTo("no state");
    }
}
