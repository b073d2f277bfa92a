package dev.tunnelhelper.testbed.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptionParsingTest {

    @Test
    void listenAddresses() {
        assertEquals(new ListenAddress("127.0.0.1", 8080), ListenAddress.parse("127.0.0.1:8080"));
        assertEquals(new ListenAddress("localhost", 0), ListenAddress.parse("localhost:0"));
        assertEquals(new ListenAddress("::1", 9000), ListenAddress.parse("[::1]:9000"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("8080"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(":8080"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:8080"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("host:http"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("host:70000"));
    }

    @Test
    void requiredHeaders() {
        assertEquals(new RequiredHeader("X-Auth", "a=b"), RequiredHeader.parse("X-Auth=a=b"));
        assertEquals(new RequiredHeader("X-Empty", ""), RequiredHeader.parse("X-Empty="));
        assertThrows(IllegalArgumentException.class, () -> RequiredHeader.parse("=v"));
        assertThrows(IllegalArgumentException.class, () -> RequiredHeader.parse("novalue"));
        assertThrows(IllegalArgumentException.class, () -> RequiredHeader.parse("Bad Name=v"));
        assertFalse(new RequiredHeader("X-Auth", "secret").toString().contains("secret"));
    }

    @Test
    void behaviourRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> ServingBehaviour.DEFAULT.withBinaryFailure(42));
        assertThrows(IllegalArgumentException.class, () -> ServingBehaviour.DEFAULT.withFailingPath("/x", 600));
        assertThrows(IllegalArgumentException.class, () -> ServingBehaviour.DEFAULT.withThrottle(-1));
        assertThrows(IllegalArgumentException.class, () -> ServingBehaviour.DEFAULT.withCutAfter(-2));
        assertThrows(IllegalArgumentException.class, () -> ServingBehaviour.DEFAULT.withContentLengthExcess(-1));
    }
}
