package dev.tunnelhelper.shim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Runs a child with stdout on a pipe and collects everything it writes plus how it ended. */
record ChildRun(String stdout, ExitStatus status) {

    static ChildRun run(SpawnSpec.Builder spec) throws IOException, InterruptedException {
        try (Pipe out = Fds.pipe()) {
            ChildProcess child =
                    NativeShim.get().spawn(spec.stdout(out.writeEnd().get()).build());
            // Our copy of the write end must go, or reading never sees EOF.
            out.writeEnd().close();
            String text = readAll(Fds.inputStream(out.readEnd()));
            ExitStatus status = child.waitFor(Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("child " + child.pid() + " did not exit"));
            return new ChildRun(text, status);
        }
    }

    static String readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
