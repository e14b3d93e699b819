package io.catalogmigration.lineage;

/** A link's identity, in the stable link order (source, source_otype, target, target_otype): where publishing resumes. */
record LinkKey(long source, String sourceOtype, long target, String targetOtype) {

    static LinkKey of(Link link) {
        return new LinkKey(link.source(), link.sourceOtype(), link.target(), link.targetOtype());
    }
}
