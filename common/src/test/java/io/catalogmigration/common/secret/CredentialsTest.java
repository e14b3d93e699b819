package io.catalogmigration.common.secret;

import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CredentialsTest {

    @Test
    void aPasswordInAUrlsAuthorityOrParametersIsHiddenAndTheRestKept() {
        assertThat(Credentials.removedFrom("jdbc:postgresql://migration:hunter2@control:5432/migration_control?sslmode=require"))
                .isEqualTo("jdbc:postgresql://migration:***@control:5432/migration_control?sslmode=require");
        assertThat(Credentials.removedFrom("jdbc:postgresql://control/db?user=m&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://control/db?user=m&password=***&ssl=true");
        assertThat(Credentials.removedFrom("postgresql://control/db?sslpassword=k3y-pa55"))
                .isEqualTo("postgresql://control/db?sslpassword=***");
    }

    @Test
    void aLibpqConnectionStringLosesItsPasswordQuotedOrNot() {
        assertThat(Credentials.removedFrom("host='db' user='r' password='it\\'s hunter2' sslmode='verify-full'"))
                .doesNotContain("hunter2").contains("host='db'").contains("sslmode='verify-full'");
        assertThat(Credentials.removedFrom("host=db password=hunter2 dbname=x")).isEqualTo("host=db password=*** dbname=x");
    }

    @Test
    void theDriverManagersMessageForAUrlNoDriverTakesQuotesThePasswordAndIsCleaned() {
        // pgjdbc refuses a URL whose port is not a port, so DriverManager's message quotes the whole URL.
        String url = "jdbc:postgresql://control:99999999/migration_control?user=migration&password=hunter2";
        SQLException refused = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(url, new Properties()));

        assertThat(refused.getMessage()).as("the path this guards against exists").contains("hunter2");
        assertThat(Credentials.removedFrom(refused.getMessage())).doesNotContain("hunter2").contains("control:99999999");
    }
}
