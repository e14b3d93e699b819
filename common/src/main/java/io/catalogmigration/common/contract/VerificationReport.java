package io.catalogmigration.common.contract;

import java.util.List;

/**
 * The online verification of one database: every published table compared between source and target in chunks while
 * replication runs, then kept current by delta passes over the rows changed since.
 *
 * @param state          NOT_STARTED (tables not all ready yet), VERIFYING (the online pass is running), VERIFIED (a
 *                       whole pass and the last delta pass found nothing), DIFFERENT (rows differ: see differences),
 *                       FAILED (the pass could not go on: see detail)
 * @param chunksDone     chunks of the online pass verified
 * @param chunksTotal    chunks planned
 * @param rowsVerified   rows compared so far (chunks, plus rows re-checked by delta passes)
 * @param bytesVerified  bytes of the source's tables covered by verified chunks
 * @param differences    rows that differ, by table and key (at most 20 named)
 * @param deltaPasses    delta passes run since the online pass began
 * @param lastDeltaRows  rows the last delta pass re-checked
 * @param detail         a readable line: what is being done, or why it failed and what to do
 */
public record VerificationReport(String state, int chunksDone, int chunksTotal, long rowsVerified, long bytesVerified,
                                 List<String> differences, int deltaPasses, long lastDeltaRows, String detail) {

    public static final String NOT_STARTED = "NOT_STARTED";
    public static final String VERIFYING = "VERIFYING";
    public static final String VERIFIED = "VERIFIED";
    public static final String DIFFERENT = "DIFFERENT";
    public static final String FAILED = "FAILED";
}
