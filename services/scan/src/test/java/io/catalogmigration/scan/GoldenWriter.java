package io.catalogmigration.scan;

import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the golden files afresh; run only on purpose: {@code -Dgolden.write=true -Dtest=GoldenWriter}. */
class GoldenWriter {

    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "true")
    void write() throws Exception {
        var writer = MessageJson.mapper().rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
        for (var arguments : ScanMessagesTest.messages().toList()) {
            Object[] a = arguments.get();
            Files.writeString(Path.of("src/test/resources/golden/" + a[0] + ".json"),
                    writer.writerFor((Class<?>) a[1]).writeValueAsString(a[2]) + "\n");
        }
    }
}
