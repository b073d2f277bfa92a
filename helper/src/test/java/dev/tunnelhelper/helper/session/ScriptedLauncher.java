package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.helper.tunnel.TunnelLauncher;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** Starts a {@link ScriptedTunnel} per spawn; can fail the spawn, or hold it until released. */
public final class ScriptedLauncher implements TunnelLauncher {
    private volatile ScriptedTunnel.Script script = ScriptedTunnel.Script.normal();
    private volatile ScriptedTunnel.Hostile hostile;
    private volatile String failure;
    private volatile boolean leavesHeirs;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    /** Completes when a spawn waits at the gate. */
    public final CompletableFuture<Void> holding = new CompletableFuture<>();

    public final BlockingQueue<ScriptedTunnel> spawned = new LinkedBlockingQueue<>();
    /** The TUN descriptor each spawn was handed, as the child would inherit it. */
    public final BlockingQueue<Integer> tunFds = new LinkedBlockingQueue<>();
    /** The binary each spawn ran. */
    public final BlockingQueue<Path> binaries = new LinkedBlockingQueue<>();

    public ScriptedLauncher script(ScriptedTunnel.Script s) {
        script = s;
        return this;
    }

    /** Every tunnel from now on answers its StartRequest as {@code h} says ({@link ScriptedTunnel.OnStart#HOSTILE}). */
    public ScriptedLauncher hostile(ScriptedTunnel.Hostile h) {
        hostile = h;
        script = script.onStart(ScriptedTunnel.OnStart.HOSTILE);
        return this;
    }

    /** Every tunnel from now on leaves a {@link PipeHeir}: its pipes end only when the helper closes its ends. */
    public ScriptedLauncher leavingHeirs() {
        leavesHeirs = true;
        return this;
    }

    public ScriptedLauncher failing(String message) {
        failure = message;
        return this;
    }

    public ScriptedLauncher holding() {
        gate = new CompletableFuture<>();
        return this;
    }

    public void release() {
        gate.complete(null);
    }

    @Override
    public RunningTunnel spawn(Path binary, int tunFd) {
        tunFds.add(tunFd);
        binaries.add(binary);
        holding.complete(null);
        gate.join();
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        ScriptedTunnel tunnel = new ScriptedTunnel(script, hostile, leavesHeirs);
        spawned.add(tunnel);
        return tunnel;
    }
}
