package io.catalogmigration.common.contract;

/**
 * Whether the application took the switch: its sessions on the target's and the source's databases, counted after it
 * was started, until it had some on the target and none on the source or the wait ran out.
 *
 * @param user        the application's role on the target (sessions of the fenced roles count on the source too)
 * @param onTarget    the application's sessions on the target's databases when the wait ended
 * @param onSource    the application's sessions on the source's databases when the wait ended
 * @param confirmed   true when the application had sessions on the target and none on the source; false when the wait
 *                    (cutover.confirm-timeout) ran out first: the cutover completed with a warning
 * @param waitedMillis how long the cutover waited for it
 */
public record ApplicationSessions(String user, int onTarget, int onSource, boolean confirmed, long waitedMillis) {
}
