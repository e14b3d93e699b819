package io.catalogmigration.common.unreplicated;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Work on the source and on the target at the same time (each on its own connection): a comparison takes the longer. */
public final class BothSides {

    public interface Work<T> {
        T run() throws SQLException;
    }

    public record Results<S, T>(S source, T target) {
    }

    /** Runs the source's work on another thread while the target's runs on this one; both end before it returns. */
    public static <S, T> Results<S, T> atOnce(Work<S> source, Work<T> target) throws SQLException {
        var onSource = CompletableFuture.supplyAsync(() -> {
            try {
                return source.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        T onTarget;
        try {
            onTarget = target.run();
        } finally {
            onSource.handle((value, failure) -> null).join();
        }
        try {
            return new Results<>(onSource.join(), onTarget);
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    private BothSides() {
    }
}
