package io.catalogmigration.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log line of this JVM while attached (the services' too: they run in-process), with the message and every
 * exception's message and stack frames, as an operator's log file would hold them. For "no secret in a log line".
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    public static LogCapture attach() {
        var capture = new LogCapture();
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.setName("test-log-capture");
        capture.start();
        root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        var line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                line.append(' ').append(frame.getSTEAsString());
            }
        }
        lines.add(line.toString());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Fails naming the first line that carries the secret (the secret itself is not printed). */
    public void assertNoLineContains(String secret) {
        for (String line : lines) {
            if (line.contains(secret)) {
                int at = line.indexOf(secret);
                throw new AssertionError("a log line carries a secret: " + line.substring(0, Math.min(at, 200)) + "<secret>...");
            }
        }
    }

    @Override
    public void close() {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(this);
        stop();
    }
}
