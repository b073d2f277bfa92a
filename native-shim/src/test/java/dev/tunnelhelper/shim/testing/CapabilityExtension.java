package dev.tunnelhelper.shim.testing;

import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Decides {@link RequiresCapability} from the loaded shim's capabilities. */
public final class CapabilityExtension implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<Capability> missing = new ArrayList<>();
        context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresCapability.class))
                .ifPresent(r -> {
                    for (Capability c : r.value()) {
                        if (!NativeShim.get().has(c)) {
                            missing.add(c);
                        }
                    }
                });
        return missing.isEmpty()
                ? ConditionEvaluationResult.enabled("the shim has what the test needs")
                : ConditionEvaluationResult.disabled(
                        "needs " + missing + ": macOS, or the XPC simulator" + " (-Dtunnelhelper.shim.variant=xpcsim)");
    }
}
