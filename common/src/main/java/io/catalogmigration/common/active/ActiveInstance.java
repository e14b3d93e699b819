package io.catalogmigration.common.active;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes one instance of a service at a time the one that carries out and recovers its commands. The cutover,
 * replicator and provisioner carry commands out on their own threads and settle, on start, the runs an earlier
 * instance left unfinished: two instances doing that at once would settle (release the source of) a cutover that is
 * still running, or create the same RDS instance twice.
 *
 * <p>The instance that holds a session-level PostgreSQL advisory lock of the service (see {@link LockSession}) on the
 * control database is <b>active</b>: it recovers the unfinished runs and only then starts its command listeners.
 * Every other instance is on <b>standby</b>: its command listeners do not run (so Kafka gives every partition of the
 * command topic to the active one), it says so in its log and health, and it tries again every poll interval. The
 * lock lives as long as the session: when the active instance stops or dies, its session ends (a dead host within
 * about 25 s, through the session's TCP keepalives) and a standby takes over, recovering first.
 *
 * <p>On a graceful stop, the work in progress is stopped first and the lock released last, so a standby never
 * recovers a run this instance is still carrying out. Work topics (e.g. the replicator's verification) are not
 * gated: any instance shares them.
 */
public class ActiveInstance implements ApplicationListener<ApplicationEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveInstance.class);

    /** Where this instance stands, for its health. */
    public enum Role { STARTING, ACTIVE, STANDBY, STOPPED }

    public record State(Role role, String detail, Instant since) {
    }

    private final String service;
    private final LockSession.Opener opener;
    private final Duration pollInterval;
    private final KafkaListenerEndpointRegistry listeners;
    private final List<String> listenerIds;
    private final Runnable onActive;
    private final Runnable stopWork;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile State state = new State(Role.STARTING, "waiting for the application to be ready", Instant.now());
    private volatile LockSession session;
    private volatile Thread watcher;
    private String lastStandbyReason;

    /**
     * @param listenerIds the command listeners (their {@code @KafkaListener} has {@code autoStartup = "false"})
     * @param onActive    the recovery of unfinished runs, run each time this instance becomes active, before the
     *                    listeners start
     * @param stopWork    stops the work in progress and waits for it (a stop of the service), before the lock goes
     */
    ActiveInstance(String service, LockSession.Opener opener, Duration pollInterval, KafkaListenerEndpointRegistry listeners,
                   List<String> listenerIds, Runnable onActive, Runnable stopWork) {
        this.service = service;
        this.opener = opener;
        this.pollInterval = pollInterval;
        this.listeners = listeners;
        this.listenerIds = List.copyOf(listenerIds);
        this.onActive = onActive;
        this.stopWork = stopWork;
    }

    public State state() {
        return state;
    }

    public boolean active() {
        return state.role() == Role.ACTIVE;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent) {
            start();
        } else if (event instanceof ContextClosedEvent) {
            close();
        }
    }

    /** One attempt at once (a lone instance is active before the application is announced ready), then a watcher. */
    synchronized void start() {
        if (watcher != null || stopping.get()) {
            return;
        }
        attempt();
        watcher = new Thread(this::watch, service + "-active-instance");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        while (!stopping.get()) {
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (stopping.get()) {
                return;
            }
            if (active()) {
                checkStillHeld();
            } else {
                attempt();
            }
        }
    }

    private synchronized void attempt() {
        if (stopping.get()) {
            return;
        }
        try {
            if (session == null) {
                session = opener.open();
            }
            if (session.tryLock()) {
                becomeActive();
                return;
            }
            standby("another " + service + " instance carries out the commands: " + session.holder());
        } catch (SQLException | RuntimeException e) {
            closeSession();
            standby("the control database cannot be reached to take the " + service + " lock: " + e.getMessage());
        }
    }

    private void becomeActive() {
        log.info("This {} instance is now the active one: it recovers unfinished runs, then takes commands", service);
        state = new State(Role.ACTIVE, "carries out and recovers the " + service + "'s commands", Instant.now());
        lastStandbyReason = null;
        try {
            onActive.run();
        } catch (RuntimeException e) {
            log.error("Recovering the unfinished {} runs failed: {}. They stay unfinished; the listeners start anyway",
                    service, e.getMessage(), e);
        }
        if (!stopping.get()) {
            listenerIds.forEach(id -> container(id).start());
        }
    }

    private void standby(String reason) {
        if (!reason.equals(lastStandbyReason)) {
            log.warn("This {} instance is on standby and takes no commands: {}. It takes over when that one stops "
                    + "(checking every {} ms)", service, reason, pollInterval.toMillis());
            lastStandbyReason = reason;
            state = new State(Role.STANDBY, reason, Instant.now());
        }
    }

    /** The lock is as good as its session: a session lost (the control database restarted) is a lock lost. */
    private synchronized void checkStillHeld() {
        if (stopping.get() || session == null) {
            return;
        }
        try {
            session.ping();
        } catch (SQLException | RuntimeException e) {
            log.error("The {} lock's session on the control database was lost ({}): this instance stops taking commands "
                    + "and tries to become active again; work already running here goes on", service, e.getMessage());
            stopListeners();
            closeSession();
            standby("the lock's session on the control database was lost: " + e.getMessage());
        }
    }

    private void stopListeners() {
        for (String id : listenerIds) {
            MessageListenerContainer container = listeners.getListenerContainer(id);
            if (container != null && container.isRunning()) {
                container.stop();
            }
        }
    }

    private MessageListenerContainer container(String id) {
        MessageListenerContainer container = listeners.getListenerContainer(id);
        if (container == null) {
            throw new IllegalStateException("no Kafka listener with id " + id + " to start");
        }
        return container;
    }

    /** Stops the work first and releases the lock last: a standby must not recover a run still going on here. */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Thread thread = watcher;
        if (thread != null) {
            thread.interrupt();
        }
        boolean wasActive = active();
        try {
            stopWork.run();
        } catch (RuntimeException e) {
            log.warn("Stopping the {} work before releasing the lock: {}", service, e.getMessage());
        }
        synchronized (this) {
            closeSession();
            state = new State(Role.STOPPED, "stopped", Instant.now());
        }
        if (wasActive) {
            log.info("This {} instance released the lock: a standby instance may take over", service);
        }
    }

    private void closeSession() {
        LockSession current = session;
        session = null;
        if (current != null) {
            current.close();
        }
    }
}
