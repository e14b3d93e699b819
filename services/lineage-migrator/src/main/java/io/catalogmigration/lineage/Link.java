package io.catalogmigration.lineage;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One distinct V2 link; the temp flags say whether the source marks each end as a temporary object. On the wire a
 * link is an array in this order, {@code [source, sourceOtype, target, targetOtype, sourceTemp, targetTemp]}, not an
 * object: a message carries up to 100 of them, and field names would be two thirds of its bytes through the broker.
 * It is written and read by hand: Jackson's generic record path (reflection, a method handle per call) was the
 * largest single cost of a message in the lineage benchmark's profile.
 */
@JsonSerialize(using = Link.Writer.class)
@JsonDeserialize(using = Link.Reader.class)
record Link(long source, String sourceOtype, long target, String targetOtype, boolean sourceTemp, boolean targetTemp) {

    static final class Writer extends ValueSerializer<Link> {
        @Override
        public void serialize(Link link, JsonGenerator out, SerializationContext context) {
            out.writeStartArray();
            out.writeNumber(link.source());
            out.writeString(link.sourceOtype());
            out.writeNumber(link.target());
            out.writeString(link.targetOtype());
            out.writeBoolean(link.sourceTemp());
            out.writeBoolean(link.targetTemp());
            out.writeEndArray();
        }
    }

    /** Strict: exactly six elements of the right kinds, or the message is unreadable (and dead-lettered). */
    static final class Reader extends ValueDeserializer<Link> {
        private static final String SHAPE = "a link is [source, sourceOtype, target, targetOtype, sourceTemp, targetTemp]";

        @Override
        public Link deserialize(JsonParser in, DeserializationContext context) {
            if (in.currentToken() != JsonToken.START_ARRAY) {
                return context.reportInputMismatch(Link.class, SHAPE);
            }
            long source = id(in, context);
            String sourceOtype = otype(in, context);
            long target = id(in, context);
            String targetOtype = otype(in, context);
            boolean sourceTemp = flag(in, context);
            boolean targetTemp = flag(in, context);
            if (in.nextToken() != JsonToken.END_ARRAY) {
                return context.reportInputMismatch(Link.class, SHAPE + ": more than six elements");
            }
            return new Link(source, sourceOtype, target, targetOtype, sourceTemp, targetTemp);
        }

        private static long id(JsonParser in, DeserializationContext context) {
            if (in.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                return context.<Long>reportInputMismatch(Link.class, SHAPE + ": an object id must be a whole number");
            }
            return in.getLongValue();
        }

        private static String otype(JsonParser in, DeserializationContext context) {
            if (in.nextToken() != JsonToken.VALUE_STRING) {
                return context.reportInputMismatch(Link.class, SHAPE + ": an object type must be a string");
            }
            return in.getString();
        }

        private static boolean flag(JsonParser in, DeserializationContext context) {
            JsonToken token = in.nextToken();
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                return context.<Boolean>reportInputMismatch(Link.class, SHAPE + ": a temporary flag must be true or false");
            }
            return token == JsonToken.VALUE_TRUE;
        }
    }
}
