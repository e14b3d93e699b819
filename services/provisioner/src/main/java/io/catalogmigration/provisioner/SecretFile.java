package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A generated password in a file only its owner can read (0600, in a 0700 directory): the local stand-in for
 * Secrets Manager, read back through {@code file:/path} secret references.
 */
final class SecretFile {

    static void write(Path file, String secret) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // Created 0600 before a byte is written, then moved into place: never readable by others, never half-written.
            Path temporary = Files.createTempFile(directory, ".secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temporary, secret, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw MigrationProblem.withCode("cannot write the secret file " + file + " (" + e.getClass().getSimpleName() + ")",
                    "make provisioner.local.secret-directory writable by the service's user, then send the command again "
                            + "with a new commandId", null);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw MigrationProblem.withCode("cannot read the secret file " + file + " (" + e.getClass().getSimpleName() + ")",
                    "make it readable by the service's user, or delete it (a new password is then set), then send the "
                            + "command again with a new commandId", null);
        }
    }

    private SecretFile() {
    }
}
