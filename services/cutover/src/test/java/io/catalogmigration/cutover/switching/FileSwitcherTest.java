package io.catalogmigration.cutover.switching;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings file the application reads: hostile names stay values, and the file keeps its mode. */
class FileSwitcherTest {

    @TempDir
    Path dir;

    static final List<String> HOSTILE = List.of("$(touch PWNED)", "`touch PWNED`", "a'b; touch PWNED", "x & touch PWNED",
            "a\"b\\c", "ünïcødé name", " leading space", "key=value:#!", "rosemeta?sslmode=disable");

    @Test
    void anEnvFileSourcedByAShellGivesBackEveryHostileValueExactlyAndRunsNothing() throws Exception {
        for (String hostile : HOSTILE) {
            Path file = dir.resolve("app.env");
            new FileSwitcher(file, "ENV").apply(settings("rosemeta", hostile));

            var shell = new ProcessBuilder("sh", "-c", ". ./app.env && printf '%s' \"$ROSEMETA_USER\"").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .as(hostile).isEqualTo(hostile);
            assertThat(dir.resolve("PWNED")).as(hostile).doesNotExist();
        }
    }

    @Test
    void aPropertiesFileReadsBackEveryHostileKeyAndValueExactly() throws Exception {
        for (String hostile : HOSTILE) {
            Path file = dir.resolve("app.properties");
            String database = "db " + hostile.replace('\n', ' ');
            new FileSwitcher(file, "PROPERTIES").apply(settings(database, hostile + "\nrosemeta.host=evil"));

            Properties read = new Properties();
            read.load(new StringReader(Files.readString(file)));
            assertThat(read.getProperty(database + ".user")).as(hostile).isEqualTo(hostile + "\nrosemeta.host=evil");
            assertThat(read.getProperty(database + ".host")).isEqualTo("db.internal");
            assertThat(read.stringPropertyNames()).noneMatch(k -> k.equals("rosemeta.host"));
        }
    }

    @Test
    void aLineBreakCannotBeWrittenToAnEnvFileAndNothingIsWritten() throws Exception {
        Path file = dir.resolve("app.env");
        Files.writeString(file, "ROSEMETA_HOST='before'\n");

        assertThatThrownBy(() -> new FileSwitcher(file, "ENV").apply(settings("rosemeta", "alation\nEVIL=1")))
                .hasMessageContaining("line break").hasMessageContaining("nothing was written");
        assertThat(Files.readString(file)).isEqualTo("ROSEMETA_HOST='before'\n");
    }

    @Test
    void theReplacedFileKeepsTheModeItHadAndANewFileIsReadableByItsGroupOnly() throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "old=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        var switcher = new FileSwitcher(file, "PROPERTIES");

        switcher.apply(settings("rosemeta", "alation"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        String captured = "old=1\n";
        switcher.restore(captured, Set.of("rosemeta"));
        assertThat(Files.readString(file)).isEqualTo(captured);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");

        Path fresh = dir.resolve("fresh.properties");
        new FileSwitcher(fresh, "PROPERTIES").apply(settings("rosemeta", "alation"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-r-----");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void twoDatabasesWhoseNamesDifferOnlyInPunctuationAreRefusedInEnvFormat() {
        var two = ConnectionSettings.of(Map.of("a-b", database("a-b", "u"), "a_b", database("a_b", "u")));
        assertThatThrownBy(() -> new FileSwitcher(dir.resolve("app.env"), "ENV").apply(two))
                .hasMessageContaining("A_B_HOST");
    }

    @Test
    void theJdbcUrlKeepsADatabaseNameThatLooksLikeParametersAsAName() {
        assertThat(database("rosemeta?sslmode=disable", "u").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.internal:5432/rosemeta%3Fsslmode%3Ddisable?sslmode=verify-full");
    }

    private static ConnectionSettings settings(String name, String user) {
        return ConnectionSettings.of(Map.of(name, database(name, user)));
    }

    private static ConnectionSettings.Database database(String name, String user) {
        return new ConnectionSettings.Database("db.internal", 5432, name, user, "verify-full", "file:/run/secrets/app");
    }
}
