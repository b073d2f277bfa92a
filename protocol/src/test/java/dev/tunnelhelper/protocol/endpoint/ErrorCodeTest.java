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
}
