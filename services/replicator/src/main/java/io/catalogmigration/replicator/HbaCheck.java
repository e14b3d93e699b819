package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.SourceCheck;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Which pg_hba.conf line (pg_hba_file_rules, in order) the target's replication connection to one database meets
 * first, and whether it asks for scram-sha-256. trust, md5 or password are refused; no line at all too.
 */
final class HbaCheck {

    static SourceCheck check(Connection source, String database, String user, InetAddress target) throws SQLException {
        String name = "pg_hba.conf " + database;
        String wanted = "host " + database + " " + user + " " + target.getHostAddress()
                + (target.getAddress().length == 4 ? "/32" : "/128") + " scram-sha-256";
        String remedy = "add the line '" + wanted + "' to the source's pg_hba.conf above any other line that matches, "
                + "then SELECT pg_reload_conf() and send PrepareSource again";
        try (var ps = source.prepareStatement("""
                select type, database, user_name, address, netmask, auth_method from pg_hba_file_rules
                where error is null and type in ('host', 'hostssl', 'hostnossl') order by line_number""");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> databases = List.of((String[]) rs.getArray(2).getArray());
                List<String> users = List.of((String[]) rs.getArray(3).getArray());
                boolean dbMatch = databases.contains("all") || databases.contains(database);
                boolean userMatch = users.contains("all") || users.contains(user);
                if (dbMatch && userMatch && covers(rs.getString(4), rs.getString(5), target)) {
                    String method = rs.getString(6);
                    String line = rs.getString(1) + " " + databases + " " + users + " " + rs.getString(4) + " " + method;
                    return method.equals("scram-sha-256")
                            ? new SourceCheck(name, line, wanted, SourceCheck.OK, null)
                            : new SourceCheck(name, line, wanted, SourceCheck.ACTION_REQUIRED,
                            "the first matching line uses " + method + ", not scram-sha-256: " + remedy);
                }
            }
        }
        return new SourceCheck(name, "no line matches", wanted, SourceCheck.ACTION_REQUIRED, remedy);
    }

    private static boolean covers(String address, String netmask, InetAddress target) {
        if (address == null || address.equals("all")) {
            return true;
        }
        if (address.equals("samehost") || address.equals("samenet")) {
            return target.isLoopbackAddress();
        }
        try {
            byte[] network = InetAddress.getByName(address).getAddress();
            byte[] mask = netmask == null ? null : InetAddress.getByName(netmask).getAddress();
            byte[] host = target.getAddress();
            if (network.length != host.length || (mask != null && mask.length != host.length)) {
                return false;
            }
            for (int i = 0; i < host.length; i++) {
                int m = mask == null ? 0xff : mask[i] & 0xff;
                if ((network[i] & m) != (host[i] & m)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false; // a host name line: not checked
        }
    }

    private HbaCheck() {
    }
}
