package dev.tunnelhelper.netext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bridge's last line says the settings are removed only when every one of them is. */
class BridgeSessionTest {
    @Test
    void settingsAreSaidToBeRemovedOnlyWhenNothingIsLeft() {
        assertEquals(
                "stopped; network settings removed, tun0 closed",
                BridgeSession.endOfSession("stopped", "tun0", List.of()));
    }

    @Test
    void eachSettingStillInPlaceIsNamedWithItsReason() {
        assertEquals(
                "stopped; network settings NOT all removed (route 100.100.0.0/16 on tun0: EPERM; DNS on tun0: exit 1);"
                        + " tun0 closed",
                BridgeSession.endOfSession(
                        "stopped", "tun0", List.of("route 100.100.0.0/16 on tun0: EPERM", "DNS on tun0: exit 1")));
    }
}
