package io.catalogmigration.common.throttle;

import org.springframework.kafka.listener.MessageListenerContainer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A running listener container that records every call the throttle makes on it, and from which thread. */
final class ContainerSpy {

    record Call(String method, Thread thread) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile boolean running = true;

    MessageListenerContainer proxy() {
        return (MessageListenerContainer) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MessageListenerContainer.class}, (p, method, args) -> switch (method.getName()) {
                    case "toString" -> "ContainerSpy";
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> {
                        calls.add(new Call(method.getName(), Thread.currentThread()));
                        yield switch (method.getName()) {
                            case "isRunning" -> running;
                            case "getListenerId" -> "spy";
                            default -> method.getReturnType() == boolean.class ? false : null;
                        };
                    }
                });
    }

    /** What was asked of the container other than reading its id and whether it still runs. */
    List<Call> commands() {
        return calls.stream().filter(c -> !c.method().equals("isRunning") && !c.method().equals("getListenerId")).toList();
    }
}
