package io.catalogmigration.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Arrays;
import java.util.List;

/** File chores around a throwaway cluster directory. */
final class Directories {

    private Directories() {
    }

    /** Deletes a tree; files that vanish meanwhile (a server removing its pid file) are fine. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Gives a file or directory to an OS user (and that user's primary group of the same name). */
    static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        try {
            view.setOwner(lookup.lookupPrincipalByName(user));
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("running as root, so PostgreSQL must run as the OS user '" + user
                    + "', which does not exist; the PostgreSQL server package normally creates it", e);
        }
        try {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            view.setGroup(group);
        } catch (UserPrincipalNotFoundException e) {
            // owner alone is enough for the server; a missing same-named group is harmless
        }
    }

    /** The last lines of a text file, or a note that there is none; for error messages. */
    static String tail(Path file, int lines) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            List<String> all = Arrays.asList(text.split("\\R"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no server log at " + file + ": " + e.getMessage() + ")";
        }
    }
}
