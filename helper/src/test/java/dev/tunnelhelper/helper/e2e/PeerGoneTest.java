package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.helper.config.TunnelConfig;
import dev.tunnelhelper.helper.session.ErrorLog;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.GetPeerState;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A peer that sends requests and leaves before their replies costs the helper nothing but a
 * debug line: the reply that finds the connection gone is no fault of the helper's, so there is
 * no ERROR and no stack trace per request a local user can leave behind (found by
 * EndpointMessagesFuzzTest: requests queued behind a frame that ended the connection).
 */
@Timeout(60)
class PeerGoneTest {
    @TempDir
    Path dir;

    @Test
    void aReplyToAnAppThatHasGoneIsDroppedWithoutAnErrorInTheLog() throws Exception {
        ErrorLog errors = ErrorLog.capture();
        try (ScriptedHelper h = ScriptedHelper.start(
                dir,
                b -> b.tunnel(TunnelConfig.builder()
                        .rpcTimeoutMillis(60_000)
                        .killGraceMillis(300)
                        .build()))) {
            h.launcher.script(ScriptedTunnel.Script.normal().silentOnQueries());
            var extension = h.extension();
            h.running(extension);
            try (RawClient app = new RawClient(AFUNIXSocket.connectTo(
                    AFUNIXSocketAddress.of(h.helper.paths().appSocket())))) {
                assertEquals("tunnelhelper helper 1.0", app.hello("app").readLine());
                // The tunnel never answers: the reply can only come once the session has ended, long after this close.
                app.send(AppMessage.newBuilder()
                        .setRpc(RPC.newBuilder().setMsgId(1))
                        .setGetPeerState(GetPeerState.getDefaultInstance())
                        .build());
            }
            extension.close(); // the session stops; the GetPeerUpdate fails; the helper answers UNAVAILABLE to nobody
            h.helper.connectionsDrained().get(30, TimeUnit.SECONDS);
        } finally {
            errors.release();
        }
        assertEquals(List.of(), errors.drain());
    }
}
