package io.catalogmigration.common.pg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TableNameTest {

    @Test
    void aBareNameIsInThePublicSchema() {
        TableName name = TableName.parse("query_log_item");

        assertThat(name).isEqualTo(new TableName("public", "query_log_item"));
        assertThat(name.quoted()).isEqualTo("\"public\".\"query_log_item\"");
        assertThat(name).hasToString("query_log_item");
    }

    @Test
    void aQualifiedNameSplitsIntoSchemaAndTable() {
        TableName name = TableName.parse("metrics.sample");

        assertThat(name).isEqualTo(new TableName("metrics", "sample"));
        assertThat(name.quoted()).isEqualTo("\"metrics\".\"sample\"");
        assertThat(name).hasToString("metrics.sample");
    }

    @Test
    void anInjectionLookingTableNameIsQuotedAsOneIdentifierInItsSchema() {
        TableName name = TableName.parse("public.run\"; drop table run; --");

        assertThat(name.schema()).isEqualTo("public");
        assertThat(name.quoted()).isEqualTo("\"public\".\"run\"\"; drop table run; --\"");
    }

    @Test
    void anEmptyNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse(null));
    }

    @Test
    void aNameTooLongForPostgresCannotBeQuoted() {
        TableName name = TableName.parse("public." + "x".repeat(64));

        assertThatIllegalArgumentException().isThrownBy(name::quoted);
    }

    @Test
    void anEmptySchemaOrTableIsRejectedAtOnce() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse(".t"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse("s."));
    }
}
