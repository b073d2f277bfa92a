package dev.tunnelhelper.protocol.testing;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The helper's side of one endpoint connection over a real Unix socket, scripted by the test:
 * it accepts one client and exchanges hello lines like the helper, then sends and receives
 * exactly what the test says, e.g. a reply and a run of pushes in one write, or an error and a
 * close. So a client's handling of what the real helper does only sometimes (a push right behind
 * a reply, a close right behind an error) is tested every time.
 */
public final class ScriptedHelper<S extends MessageLite, R> implements AutoCloseable {
    private final AFUNIXServerSocket server;
    private final Path socket;
    private final RpcAccess<S, R> rpc;
    private final FrameCodec codec = new FrameCodec();
    private final CompletableFuture<UnixSocketChannel<S, R>> client = new CompletableFuture<>();

    private ScriptedHelper(Path dir, Endpoints.Kind kind, Parser<R> parser, RpcAccess<S, R> rpc) throws IOException {
        this.socket = dir.resolve(kind.role() + ".sock");
        this.rpc = rpc;
        this.server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(socket));
        CompletableFuture.runAsync(() -> {
            try {
                UnixSocketChannel<S, R> channel =
                        UnixSocketChannel.wrap(server.accept(), parser, codec, socket.toString());
                Endpoints.helperHandshake(kind).perform(channel.rawInput(), channel.rawOutput(), channel);
                client.complete(channel);
            } catch (IOException | RuntimeException e) {
                client.completeExceptionally(e);
            }
        });
    }

    /** Listens in {@code dir} as the app endpoint; a client connects to {@link #socket()}. */
    public static ScriptedHelper<HelperAppMessage, AppMessage> app(Path dir) throws IOException {
        return new ScriptedHelper<>(dir, Endpoints.Kind.APP, AppMessage.parser(), Endpoints.HELPER_APP);
    }

    /** Listens in {@code dir} as the network-extension endpoint. */
    public static ScriptedHelper<HelperExtensionMessage, ExtensionMessage> extension(Path dir) throws IOException {
        return new ScriptedHelper<>(
                dir, Endpoints.Kind.EXTENSION, ExtensionMessage.parser(), Endpoints.HELPER_EXTENSION);
    }

    public Path socket() {
        return socket;
    }

    /** The next message from the client (after the hello lines), or null once it has closed. */
    public R receive() throws IOException {
        Envelope<R> envelope = channel().receive();
        return envelope == null ? null : envelope.message();
    }

    /** {@code body} as the reply to {@code request}. */
    public S replyTo(R request, S body) {
        return rpc.withRpc(
                body,
                RPC.newBuilder().setResponseTo(rpc.rpcOf(request).getMsgId()).build());
    }

    /** Sends {@code messages} as one write, so they arrive together. */
    public void sendTogether(List<S> messages) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (S m : messages) {
            frames.write(codec.encode(m));
        }
        channel().rawOutput().write(frames.toByteArray());
        channel().rawOutput().flush();
    }

    /** Sends {@code messages} in one write, then closes the connection at once. */
    public void sendAndClose(List<S> messages) throws IOException {
        sendTogether(messages);
        channel().close();
    }

    private UnixSocketChannel<S, R> channel() throws IOException {
        try {
            return client.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the client", e);
        } catch (ExecutionException e) {
            throw new IOException("no client connected: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (client.isDone() && !client.isCompletedExceptionally()) {
            client.join().close();
        }
    }

    /** What the helper does, step by step, while the client under test runs on the test's thread. */
    @FunctionalInterface
    public interface Script<S extends MessageLite, R> {
        void play(ScriptedHelper<S, R> helper) throws IOException;
    }

    /** The commonest script: wait for the client's next message, then say {@code lastWords} and close. */
    public CompletableFuture<Void> closeAfterNextMessage(List<S> lastWords) {
        return play(h -> {
            h.receive();
            h.sendAndClose(lastWords);
        });
    }

    /** Answers the client's next message with {@code answer}; the future is that message as received. */
    public CompletableFuture<R> answerNext(S answer) {
        CompletableFuture<R> received = new CompletableFuture<>();
        play(h -> {
            R request = h.receive();
            received.complete(request);
            h.sendTogether(List.of(h.replyTo(request, answer)));
        });
        return received;
    }

    /** Plays {@code script} on a thread of its own; the future fails if a step does. */
    public CompletableFuture<Void> play(Script<S, R> script) {
        return CompletableFuture.runAsync(() -> {
            try {
                script.play(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
