package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The network extension's side of a session, as the session sees it: settings are applied (or
 * refused, or held unanswered) and every CancelProvider is recorded.
 */
public final class FakeExtension implements ExtensionLink {
    /** One settings diff the session relayed, and the answer the test gives it. */
    record SettingsCall(NetworkSettingsRequest settings, CompletableFuture<Void> answer) {}

    private final String name;
    private volatile String refusal;
    private volatile boolean hold;
    final BlockingQueue<SettingsCall> settings = new LinkedBlockingQueue<>();
    final BlockingQueue<String> cancels = new LinkedBlockingQueue<>();

    FakeExtension(String name) {
        this.name = name;
    }

    /** Answers every settings request with a failure carrying {@code reason}. */
    FakeExtension refusing(String reason) {
        refusal = reason;
        return this;
    }

    /** Leaves settings requests unanswered until the test completes their future. */
    FakeExtension holding() {
        hold = true;
        return this;
    }

    @Override
    public CompletableFuture<Void> applyNetworkSettings(NetworkSettingsRequest request) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        settings.add(new SettingsCall(request, answer));
        if (refusal != null) {
            answer.completeExceptionally(new SettingsRefusedException(refusal));
        } else if (!hold) {
            answer.complete(null);
        }
        return answer;
    }

    @Override
    public void cancelProvider(String error) {
        cancels.add(error);
    }

    @Override
    public String describe() {
        return "network extension " + name;
    }
}
