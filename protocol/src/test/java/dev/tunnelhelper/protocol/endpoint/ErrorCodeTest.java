package dev.tunnelhelper.protocol.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.protocol.helper.Error;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void theWireFormIsTheNameAndUnknownCodesAreNotGuessed() {
        Error e = ErrorCode.SLOW_CONSUMER.error("fell behind");
        assertEquals("SLOW_CONSUMER", e.getCode());
        assertEquals("fell behind", e.getMessage());
        assertEquals(Optional.of(ErrorCode.SLOW_CONSUMER), ErrorCode.of(e));
        assertEquals(
                Optional.empty(),
                ErrorCode.of(Error.newBuilder().setCode("slow_consumer").build()));
    }

    @Test
    void theSchemaCommentListsExactlyTheseCodes() throws Exception {
        String proto = Files.readString(Path.of("src/main/proto/helper.proto"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("Stable, machine-readable: ([A-Z_, ]+)\\.").matcher(proto);
        assertEquals(true, m.find(), "helper.proto's Error comment lists the codes");
        String listed = m.group(1).replace(" ", "");
        StringBuilder ours = new StringBuilder();
        for (ErrorCode c : ErrorCode.values()) {
            ours.append(ours.length() == 0 ? "" : ",").append(c.name());
        }
        assertEquals(ours.toString(), listed);
    }

    @Test
    void anErrorReplyThrowsTheCodeAsSentAndTheEnumOnlyForACodeWeKnow() {
        HelperErrorException known = new HelperErrorException(ErrorCode.ALREADY_RUNNING.error("a session is active"));
        assertEquals("helper error ALREADY_RUNNING: a session is active", known.getMessage());
        assertEquals("ALREADY_RUNNING", known.code());
        assertEquals(Optional.of(ErrorCode.ALREADY_RUNNING), known.errorCode());
        assertEquals("a session is active", known.helperMessage());

        HelperErrorException newer = new HelperErrorException(
                Error.newBuilder().setCode("RATE_LIMITED").setMessage("later").build());
        assertEquals("RATE_LIMITED", newer.code(), "a newer helper's code is kept as sent");
        assertEquals(Optional.empty(), newer.errorCode());
        assertEquals("helper error RATE_LIMITED: later", newer.getMessage());
    }
}
