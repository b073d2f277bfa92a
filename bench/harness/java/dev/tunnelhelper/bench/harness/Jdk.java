package dev.tunnelhelper.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tools of the JDK running the suite (the one the launchers use unless JAVA_HOME differs). */
final class Jdk {
    private Jdk() {}

    static String tool(String name) {
        Path tool = Path.of(System.getProperty("java.home"), "bin", name);
        if (!Files.isExecutable(tool)) {
            throw new MeasurementException("the JDK at " + System.getProperty("java.home") + " has no " + name);
        }
        return tool.toString();
    }
}
