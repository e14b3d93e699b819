package io.catalogmigration.common.contract;

/**
 * One preflight check.
 *
 * @param database the database it concerns, or null for the service's own setup (switcher, hooks)
 * @param status   OK, WARNING (noted, not blocking) or FAILED
 */
public record CutoverCheck(String database, String check, String status, String detail) {

    public static final String OK = "OK";
    public static final String WARNING = "WARNING";
    public static final String FAILED = "FAILED";

    public boolean failed() {
        return FAILED.equals(status);
    }
}
