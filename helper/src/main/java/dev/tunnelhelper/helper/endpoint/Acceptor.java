package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HelloGate}'s first step for each new connection: accept it, read the peer's kernel
 * credentials, decide ({@link PeerAdmission#decide}: access policy and connection limits), then
 * answer a refused peer ({@link RefusalLinger}) or write our hello line to an admitted one and
 * hold it for its own. Whatever fails, the connection is held or closed, and a slot is never left
 * claimed. Only the gate's thread uses it.
 */
final class Acceptor {
    private static final Logger log = LoggerFactory.getLogger(HelloGate.class);

    private final String endpoint;
    private final AFUNIXServerSocketChannel server;
    private final Selector selector;
    private final PeerAdmission<?, ?> admission;
    private final RefusalLinger refusals;
    private final HeldPeers held;
    private final AcceptBackoff backoff;
    private final byte[] ourLine;

    Acceptor(
            String endpoint,
            AFUNIXServerSocketChannel server,
            Selector selector,
            PeerAdmission<?, ?> admission,
            RefusalLinger refusals,
            HeldPeers held,
            AcceptBackoff backoff,
            byte[] ourLine) {
        this.endpoint = endpoint;
        this.server = server;
        this.selector = selector;
        this.admission = admission;
        this.refusals = refusals;
        this.held = held;
        this.backoff = backoff;
        this.ourLine = ourLine;
    }

    /** Takes every connection waiting; a failed accept pauses accepting ({@link AcceptBackoff}). */
    void acceptAll() {
        while (true) {
            AFUNIXSocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                backoff.failed("accepting failed; pausing and retrying", e);
                return;
            }
            if (channel == null) {
                return;
            }
            open(channel);
        }
    }

    private void open(AFUNIXSocketChannel channel) {
        PendingPeer p = null;
        try {
            channel.configureBlocking(false);
            PeerIdentity peer = UnixSocketChannel.identity(channel.getPeerCredentials());
            PeerAdmission.Decision decision = admission.decide(peer);
            long now = System.nanoTime();
            if (decision.refusal() != null) {
                p = refusals.refuse(channel, peer, decision.refusal(), now);
                if (p != null) {
                    hold(p);
                }
                admission.logRefusal(peer, decision.refusal());
                return;
            }
            p = new PendingPeer(
                    channel,
                    peer,
                    decision.slot(),
                    false,
                    ByteBuffer.wrap(ourLine),
                    now + Endpoints.HANDSHAKE_TIMEOUT.toNanos());
            p.flush();
            hold(p);
        } catch (IOException e) {
            letGo(channel, p);
            log.debug("{} endpoint: could not take a connection: {}", endpoint, e.toString());
        } catch (RuntimeException | LinkageError e) {
            letGo(channel, p);
            throw e;
        }
    }

    private void hold(PendingPeer p) throws IOException {
        held.add(p);
        p.key = p.channel.register(selector, p.interestOps(), p);
    }

    private void letGo(AFUNIXSocketChannel channel, PendingPeer p) {
        if (p != null) {
            held.drop(p);
        } else if (!held.holds(channel)) {
            HelloGate.closeQuietly(channel);
        }
    }
}
