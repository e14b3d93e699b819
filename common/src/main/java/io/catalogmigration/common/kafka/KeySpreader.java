package io.catalogmigration.common.kafka;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Picks message keys that Kafka's default partitioner puts on partition {@code seq % partitions}, so a run's work
 * messages are dealt round-robin over the work partitions and every worker gets its share (hashing alone leaves some
 * partitions, and so some workers, with far more than others).
 */
public final class KeySpreader {

    public static String key(String prefix, int seq, int partitions) {
        int wanted = Math.floorMod(seq, Math.max(1, partitions));
        for (int salt = 0; salt < 10_000; salt++) {
            String key = prefix + "/" + seq + "/" + salt;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == wanted) {
                return key;
            }
        }
        return prefix + "/" + seq;
    }

    private KeySpreader() {
    }
}
