package io.catalogmigration.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An attacker's PostgreSQL server on 127.0.0.1: it refuses TLS ('N' to an SSLRequest), asks every client for its
 * password in clear text (AuthenticationCleartextPassword) and records what each client sent.
 */
final class HostileServer implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int PROTOCOL_3 = 196608;

    /** One client: its startup parameters, whether it asked for TLS, and the password it sent (null: none). */
    record Login(Map<String, String> startup, boolean askedForTls, String password) {
    }

    private final ServerSocket socket;
    private final List<Login> logins = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    HostileServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "hostile-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    List<Login> logins() {
        return List.copyOf(logins);
    }

    List<String> passwordsReceived() {
        return logins.stream().map(Login::password).filter(p -> p != null).toList();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread handler = new Thread(() -> serve(client), "hostile-client");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Map<String, String> startup = new LinkedHashMap<>();
        boolean tls = false;
        String password = null;
        try (client; var in = new DataInputStream(client.getInputStream());
             var out = new DataOutputStream(client.getOutputStream())) {
            client.setSoTimeout(15_000);
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                    tls |= code == SSL_REQUEST;
                    out.writeByte('N');
                    out.flush();
                    continue;
                }
                if (code != PROTOCOL_3) {
                    return;
                }
                byte[] body = new byte[length - 8];
                in.readFully(body);
                String[] parts = new String(body, StandardCharsets.UTF_8).split("\0");
                for (int i = 0; i + 1 < parts.length; i += 2) {
                    startup.put(parts[i], parts[i + 1]);
                }
                break;
            }
            out.writeByte('R');
            out.writeInt(8);
            out.writeInt(3); // AuthenticationCleartextPassword
            out.flush();
            int type = in.read();
            if (type == 'p') {
                byte[] message = new byte[in.readInt() - 4];
                in.readFully(message);
                password = new String(message, 0, message.length - 1, StandardCharsets.UTF_8);
                byte[] error = "SFATAL\0C28P01\0Mpassword authentication failed\0\0".getBytes(StandardCharsets.UTF_8);
                out.writeByte('E');
                out.writeInt(4 + error.length);
                out.write(error);
                out.flush();
            }
        } catch (EOFException e) {
            // the client hung up: it sent no password
        } catch (IOException e) {
            // a timeout or reset: whatever it sent is recorded below
        } finally {
            logins.add(new Login(Map.copyOf(startup), tls, password));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
