package io.catalogmigration.cli;

import picocli.CommandLine;

/**
 * A secret reference as the services resolve it: {@code env:NAME}, {@code file:/absolute/path} or
 * {@code aws-secretsmanager:<arn or name>[#key]}. Anything else is refused, and the refused value is never echoed
 * (it may be the password itself).
 */
final class SecretRef {

    static final String FORMS = io.catalogmigration.common.secret.SecretRef.FORMS;

    /** The services' own rule (common's {@code SecretRef}): one definition of what a reference is. */
    static boolean isReference(String value) {
        return io.catalogmigration.common.secret.SecretRef.isValid(value);
    }

    /** picocli converter: turns a non-reference into a usage error that does not quote the value. */
    static final class Converter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!isReference(value)) {
                throw new CommandLine.TypeConversionException("not a secret reference (value not shown). Give one of "
                        + FORMS + "; the password itself is never accepted");
            }
            return value;
        }
    }

    private SecretRef() {
    }
}
