package io.catalogmigration.testkit.architecture.sample.bad;

/** Breaks "only the ledger touches ledger tables". */
class WritesTheLedger {

    static final String FINISH = """
            update run set state = 'FINISHED' where run_id = ?
            """;
}
