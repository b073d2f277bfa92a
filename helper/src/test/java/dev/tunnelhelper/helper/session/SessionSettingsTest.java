package dev.tunnelhelper.helper.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What a session is configured and started with: every timeout positive (a zero one would fail
 * every start at once), the config file's defaults when nothing is set, and a start's token
 * never in its text form.
 */
class SessionSettingsTest {

    @Test
    void everyTimeoutMustBePositive() {
        List<UnaryOperator<SessionSettings.Builder>> settingEach = List.of(
                b -> b.handshakeTimeout(Duration.ZERO),
                b -> b.startTimeout(Duration.ofMillis(-1)),
                b -> b.stopTimeout(Duration.ZERO),
                b -> b.killGrace(Duration.ofSeconds(-5)),
                b -> b.rpcTimeout(Duration.ZERO));
        for (UnaryOperator<SessionSettings.Builder> bad : settingEach) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> bad.apply(SessionSettings.builder()).build());
            assertEquals("session timeouts must be positive", e.getMessage());
        }
        assertEquals(
                Duration.ofNanos(1),
                SessionSettings.builder()
                        .rpcTimeout(Duration.ofNanos(1))
                        .build()
                        .rpcTimeout());
    }

    @Test
    void unsetFieldsAreTheConfigFilesDefaults() {
        SessionSettings s = SessionSettings.builder().build();
        assertEquals(
                new SessionSettings(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        "unknown",
                        "",
                        ""),
                s);
    }

    @Test
    void everyBuilderFieldArrivesWhereItIsNamed() {
        SessionSettings s = SessionSettings.builder()
                .handshakeTimeout(Duration.ofSeconds(1))
                .startTimeout(Duration.ofSeconds(2))
                .stopTimeout(Duration.ofSeconds(3))
                .killGrace(Duration.ofSeconds(4))
                .rpcTimeout(Duration.ofSeconds(6))
                .helperVersion("0.1.0")
                .deviceId("device-7")
                .deviceOs("linux")
                .build();
        assertEquals(
                new SessionSettings(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(6),
                        "0.1.0",
                        "device-7",
                        "linux"),
                s);
    }

    @Test
    void aStartsTextNamesItsUrlAndHeaderNamesButNeverTheTokenOrHeaderValues() {
        StartParameters start = StartParameters.builder("https://coder.example.com", "tok-s3cr3t")
                .headers(List.of(new OperatorHeader("X-Op", "hv-s3cr3t")))
                .disableSignatureValidation(true)
                .deviceId("device-7")
                .deviceOs("linux")
                .build();
        assertEquals(
                "StartParameters[accessUrl=https://coder.example.com, headers=[X-Op], disableSignatureValidation=true]",
                start.toString());
        assertFalse(start.toString().contains("s3cr3t"));
        assertEquals(
                new StartParameters(
                        "https://coder.example.com",
                        "tok-s3cr3t",
                        List.of(new OperatorHeader("X-Op", "hv-s3cr3t")),
                        true,
                        "device-7",
                        "linux"),
                start);
    }
}
