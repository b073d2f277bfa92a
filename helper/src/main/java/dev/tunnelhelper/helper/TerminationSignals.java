package dev.tunnelhelper.helper;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * SIGTERM and SIGINT handled in-process, not by a shutdown hook (a hook would leave the JVM's exit
 * status at 128+signal). The API is {@code sun.misc.Signal} (module jdk.unsupported, kept by JEP
 * 260); it is reached reflectively because javac's warning about it cannot be suppressed and the
 * build treats warnings as errors.
 */
final class TerminationSignals {
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private TerminationSignals() {}

    /** Runs {@code action} on the JVM's signal thread whenever SIGTERM or SIGINT arrives. */
    static void onTermination(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler calls = (proxy, method, args) -> answer(proxy, method, args, action);
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType}, calls);
            Method handle = signal.getMethod("handle", signal, handlerType);
            for (String name : SIGNALS) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIGTERM/SIGINT on this JVM: " + e, e);
        }
    }

    private static Object answer(Object proxy, Method method, Object[] args, Runnable action) {
        return switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "TerminationSignals.handler";
        };
    }
}
