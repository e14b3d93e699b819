package io.catalogmigration.replicator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Deals work items into messages of about equal weight: at least one message per partition (when there are that many
 * items), never more than {@code perMessage} items in one, the heaviest item first into the lightest message. Cut in
 * table order instead, one message would hold every range of the largest table and one worker would do it all.
 */
final class WorkSharing {

    static <T> List<List<T>> balance(List<T> items, ToLongFunction<T> weight, int perMessage, int partitions) {
        int messages = Math.max((items.size() + perMessage - 1) / perMessage, Math.min(items.size(), partitions));
        List<List<T>> parts = new ArrayList<>();
        long[] weights = new long[messages];
        for (int i = 0; i < messages; i++) {
            parts.add(new ArrayList<>());
        }
        List<T> heaviestFirst = new ArrayList<>(items);
        heaviestFirst.sort(Comparator.comparingLong(weight).reversed());
        for (T item : heaviestFirst) {
            int lightest = -1;
            for (int i = 0; i < messages; i++) {
                if (parts.get(i).size() < perMessage && (lightest < 0 || weights[i] < weights[lightest])) {
                    lightest = i;
                }
            }
            parts.get(lightest).add(item);
            weights[lightest] += weight.applyAsLong(item);
        }
        parts.removeIf(List::isEmpty);
        return parts;
    }

    private WorkSharing() {
    }
}
