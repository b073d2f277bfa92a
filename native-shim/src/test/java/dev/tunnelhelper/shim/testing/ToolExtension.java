package dev.tunnelhelper.shim.testing;

import dev.tunnelhelper.shim.Executables;
import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Decision;
import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Backs {@link RequiresTool}; a required-but-missing tool enables the test and then fails it, as {@link RootAndTunExtension} does. */
public final class ToolExtension implements ExecutionCondition, BeforeEachCallback {

    private static Decision current(ExtensionContext context) {
        Set<String> tools = new LinkedHashSet<>();
        context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresTool.class))
                .ifPresent(a -> tools.addAll(List.of(a.value())));
        context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, RequiresTool.class))
                .ifPresent(a -> tools.addAll(List.of(a.value())));
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (Executables.find(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        return ToolTestPolicy.decide(missing, ToolTestPolicy.required(System.getenv(ToolTestPolicy.REQUIRE_ENV)));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Decision d = current(context);
        return d.verdict() == Verdict.SKIP
                ? ConditionEvaluationResult.disabled(d.reason())
                : ConditionEvaluationResult.enabled("tools present or required");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Decision d = current(context);
        if (d.verdict() == Verdict.FAIL) {
            throw new AssertionError(d.reason());
        }
    }
}
