package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DumpEntriesTest {

    static final String POST_DATA = """
            --
            -- PostgreSQL database dump
            --

            \\restrict abc
            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);

            --
            -- Name: t t_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
            --

            ALTER TABLE ONLY public.t
                ADD CONSTRAINT t_pkey PRIMARY KEY (id);


            --
            -- Name: t_label; Type: INDEX; Schema: public; Owner: postgres
            --

            CREATE INDEX t_label ON public.t USING btree (label);

            \\unrestrict abc
            """;

    @Test
    void aPostDataDumpSplitsIntoNamedEntriesWithoutPsqlMetaCommands() {
        var dump = DumpEntries.parse(POST_DATA);

        assertThat(dump.entries()).extracting(DumpEntries.Entry::name).containsExactly("t t_pkey", "t_label");
        assertThat(dump.entries().get(0).primaryKey()).isTrue();
        assertThat(dump.entries().get(1).index()).isTrue();
        assertThat(dump.entries().get(1).sql()).isEqualTo("CREATE INDEX t_label ON public.t USING btree (label);");
        assertThat(dump.sessionSettings()).containsExactly("SET statement_timeout = 0;",
                "SELECT pg_catalog.set_config('search_path', '', false);");
        assertThat(dump.preamble() + dump.entries()).doesNotContain("\\restrict");
    }

    @Test
    void aScriptGivenBackToPsqlRunsInTheDumpsRestrictedModeSoASmuggledMetaCommandIsRefused() throws Exception {
        Path pwned = Files.createTempDirectory("restrict").resolve("PWNED");
        var dump = DumpEntries.parse(POST_DATA.replace("CREATE INDEX t_label", "\\! touch " + pwned + "\nCREATE INDEX t_label"));
        String script = dump.script(dump.entries());
        assertThat(script).startsWith("\\restrict abc\n").endsWith("\\unrestrict abc\n");

        try (PostgresCluster cluster = PostgresCluster.builder("restrict").fast().start()) {
            cluster.execute("postgres", "create table t (id int, label text)");
            Path file = Files.createTempFile("script", ".sql");
            Files.writeString(file, script);
            var psql = new ProcessBuilder(cluster.binDirectory().resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1",
                    "-h", cluster.host(), "-p", Integer.toString(cluster.port()), "-U", cluster.superuser(), "-d", "postgres",
                    "-f", file.toString()).redirectErrorStream(true);
            psql.environment().put("PGPASSWORD", cluster.password());
            var process = psql.start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isNotZero();
            assertThat(output).contains("backslash commands are restricted");
        }
        assertThat(pwned).doesNotExist();
    }

    @Test
    void grantsToTheReplicationUserAreLeftOutAndEveryOtherGrantStays() {
        var dump = DumpEntries.parse("""
                SET statement_timeout = 0;

                --
                -- Name: TABLE t; Type: ACL; Schema: public; Owner: alation
                --

                GRANT SELECT ON TABLE public.t TO replicator;
                GRANT SELECT ON TABLE public.t TO alation_db;
                GRANT SELECT ON TABLE public.t TO replicator_reader;


                --
                -- Name: SCHEMA "Mixed"; Type: ACL; Schema: -; Owner: alation
                --

                GRANT USAGE ON SCHEMA "Mixed" TO replicator;


                --
                -- Name: TABLE u; Type: COMMENT; Schema: public; Owner: alation
                --

                COMMENT ON TABLE public.u IS 'GRANT SELECT ON TABLE public.t TO replicator;';
                """);

        var kept = dump.withoutGrantsTo("replicator");

        assertThat(kept.entries()).extracting(DumpEntries.Entry::name).containsExactly("TABLE t", "TABLE u");
        assertThat(kept.entries().get(0).sql()).isEqualTo("""
                GRANT SELECT ON TABLE public.t TO alation_db;
                GRANT SELECT ON TABLE public.t TO replicator_reader;""");
        assertThat(kept.entries().get(1).sql()).contains("TO replicator;");
        assertThat(DumpEntries.parse("""
                --
                -- Name: TABLE t; Type: ACL; Schema: public; Owner: a
                --

                GRANT SELECT ON TABLE public.t TO "Repl User";
                """).withoutGrantsTo("Repl User").entries()).isEmpty();
    }

    @Test
    void namesAreTheRunbooksAndSafeForSlots() {
        assertThat(ReplicationNames.of("rosemeta").slot()).isEqualTo("migration_rosemeta");
        assertThat(ReplicationNames.of("My-DB").slot()).matches("migration_my_db_[0-9a-f]{8}");
    }
}
