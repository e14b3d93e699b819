package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.StartPrune;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands are read strictly: a value of the wrong shape is refused, never converted into something else. */
class StrictJsonTest {

    private static String startPrune(String batchSize, String mode, String port, String database) {
        return """
                {"type":"StartPrune","commandId":"7f0c1b3e-2f43-4c53-9d0e-3f2b1a6d0c11","migrationId":"m-1",
                 "issuedAt":"2026-01-01T00:00:00Z",
                 "database":{"host":"127.0.0.1","port":%s,"database":%s,"user":"u","sslmode":"disable","passwordRef":"env:X"},
                 "groups":[],"mode":%s,"batchSize":%s}""".formatted(port, database, mode, batchSize);
    }

    private static Object read(String json) {
        return MessageJson.mapper().readValue(json, PruneCommand.class);
    }

    @Test
    void aWellFormedCommandIsRead() {
        var command = (StartPrune) read(startPrune("500", "\"PURGE\"", "5432", "\"rosemeta\""));
        assertThat(command.batchSize()).isEqualTo(500);
        assertThat(command.database().port()).isEqualTo(5432);
    }

    @Test
    void aFractionIsNotReadAsAWholeNumber() {
        assertThatThrownBy(() -> read(startPrune("10.5", "\"PURGE\"", "5432", "\"rosemeta\""))).hasMessageContaining("10.5");
        assertThatThrownBy(() -> read(startPrune("10.0", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
        assertThatThrownBy(() -> read(startPrune("1e3", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
    }

    @Test
    void aStringIsNotANumberAndANumberIsNotAString() {
        assertThatThrownBy(() -> read(startPrune("\"10\"", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
        assertThatThrownBy(() -> read(startPrune("10", "\"PURGE\"", "\"5432\"", "\"rosemeta\""))).isNotNull();
        assertThatThrownBy(() -> read(startPrune("10", "\"PURGE\"", "5432", "42"))).isNotNull();
        assertThatThrownBy(() -> read(startPrune("true", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
    }

    @Test
    void anOversizedStringIsRefusedWhileReading() {
        String huge = "\"" + "x".repeat(MessageJson.MAX_STRING_LENGTH + 1) + "\"";
        assertThatThrownBy(() -> read(startPrune("10", "\"PURGE\"", "5432", huge))).hasMessageContaining("String value length");
    }

    @Test
    void aNullInAListIsRefusedNamingTheField() {
        String json = startPrune("10", "\"PURGE\"", "5432", "\"rosemeta\"").replace("\"groups\":[]", "\"groups\":[null]");
        assertThatThrownBy(() -> read(json)).satisfies(e -> assertThat(ErrorHandling.rootMessage(e))
                .contains("Invalid `null` value encountered for property \"groups\""));
    }

    @Test
    void anEnumIsNamedNotNumbered() {
        assertThatThrownBy(() -> read(startPrune("10", "2", "5432", "\"rosemeta\""))).isNotNull();
    }

    @Test
    void aNumberBeyondItsTypeIsRefused() {
        assertThatThrownBy(() -> read(startPrune("99999999999999999999", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
        assertThatThrownBy(() -> read(startPrune("2147483648", "\"PURGE\"", "5432", "\"rosemeta\""))).isNotNull();
    }
}
