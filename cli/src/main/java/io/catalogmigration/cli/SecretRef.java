package io.catalogmigration.cli;

import picocli.CommandLine;

import java.util.regex.Pattern;

/**
 * A secret reference as the services resolve it: {@code env:NAME}, {@code file:/absolute/path} or
 * {@code aws-secretsmanager:<arn or name>[#key]}. Anything else is refused, and the refused value is never echoed
 * (it may be the password itself).
 */
final class SecretRef {

    static final String FORMS = "env:NAME, file:/absolute/path or aws-secretsmanager:<secret ARN or name>[#key]";

    private static final Pattern ENV = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FILE = Pattern.compile("file:/\\S*");
    private static final Pattern AWS = Pattern.compile("aws-secretsmanager:[A-Za-z0-9:/_+=.@!-]+(#[A-Za-z0-9_.-]+)?");

    static boolean isReference(String value) {
        return value != null && (ENV.matcher(value).matches() || FILE.matcher(value).matches()
                || AWS.matcher(value).matches());
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
