package io.catalogmigration.lineage;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One distinct V2 link; the temp flags say whether the source marks each end as a temporary object. On the wire a
 * link is an array in this order, not an object: a message carries up to 100 of them, and field names would be two
 * thirds of its bytes through the broker.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"source", "sourceOtype", "target", "targetOtype", "sourceTemp", "targetTemp"})
record Link(long source, String sourceOtype, long target, String targetOtype, boolean sourceTemp, boolean targetTemp) {
}
