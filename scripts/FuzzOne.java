import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one {@code @FuzzTest} in fuzzing mode (the caller sets JAZZER_FUZZ=1) for a number of
 * seconds, in its own JVM: Jazzer fuzzes one test per JVM. Used by scripts/fuzz.sh, started
 * as a source-file program on the module's test classpath.
 *
 * <p>Arguments: {@code <class>#<method> <seconds>}. Exit status 0 without findings, 1 with.
 */
public final class FuzzOne {
    public static void main(String[] args) throws ClassNotFoundException {
        String[] target = args[0].split("#", 2);
        Class<?> testClass = Class.forName(target[0]);
        Method method = Arrays.stream(testClass.getDeclaredMethods()).filter(m -> m.getName().equals(target[1]))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no method " + args[0]));
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectMethod(testClass, method))
                .configurationParameter("jazzer.internal.arg.0", "fuzz")
                // After the test's own maxDuration on libFuzzer's command line, so this one counts.
                .configurationParameter("jazzer.internal.arg.1", "-max_total_time=" + Long.parseLong(args[1]))
                .configurationParameter("jazzer.hooks", "true")
                .configurationParameter("jazzer.internal.basedir", System.getProperty("user.dir"))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 30);
        out.printf("fuzz-one: %s: %d tests, %d failed%n", args[0], summary.getTestsFoundCount(), summary.getTotalFailureCount());
        System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
