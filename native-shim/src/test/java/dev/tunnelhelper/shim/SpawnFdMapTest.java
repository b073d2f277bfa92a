package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/* Also run against the Apple spawn branch (POSIX_SPAWN_CLOEXEC_DEFAULT) in the XPC simulator\'s JVM. */
@Tag("spawn")
@EnabledOnOs(value = OS.LINUX, disabledReason = "inspects the child through /proc")
class SpawnFdMapTest {

    /** ls opens /proc/self/fd itself, at the lowest free number, and lists that fd too. */
    private static Set<Integer> expectedWithLsDirFd(Set<Integer> given) {
        Set<Integer> expected = new TreeSet<>(given);
        int lowestFree = 0;
        while (expected.contains(lowestFree)) {
            lowestFree++;
        }
        expected.add(lowestFree);
        return expected;
    }

    private static Set<Integer> parseFds(String lsOutput) {
        return Arrays.stream(lsOutput.split("\n"))
                .filter(s -> !s.isBlank())
                .map(Integer::parseInt)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void childSeesExactlyTheMappedFdsAndNothingLeaks() throws Exception {
        try (Pipe a = Fds.pipe();
                Pipe b = Fds.pipe();
                OwnedFd leaky = Fds.dup(a.readEnd().get())) {
            // An fd without FD_CLOEXEC would survive a plain exec; the spawn must still close it.
            Fds.setCloexec(leaky.get(), false);
            assertFalse(Fds.isCloexec(leaky.get()));

            ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/ls"))
                    .args("-1", "/proc/self/fd")
                    .mapFd(3, a.writeEnd().get())
                    .mapFd(17, b.writeEnd().get()));

            assertEquals(ExitStatus.exited(0), run.status());
            Set<Integer> expected = expectedWithLsDirFd(Set.of(0, 1, 2, 3, 17));
            assertFalse(expected.contains(leaky.get()), "the leak probe must not collide with an expected fd");
            assertEquals(expected, parseFds(run.stdout()), "fds in the child: " + run.stdout());
        }
    }

    @Test
    void withoutAMapTheChildHasOnlyTheStandardThree() throws Exception {
        ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/ls")).args("-1", "/proc/self/fd"));
        assertEquals(Set.of(0, 1, 2, 3), parseFds(run.stdout()));
    }

    @Test
    void stdinIsDevNullAndStderrGoesWhereAsked() throws Exception {
        try (Pipe err = Fds.pipe()) {
            ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                    .args("-c", "readlink /proc/self/fd/0; echo oops >&2")
                    .stderr(err.writeEnd().get()));
            err.writeEnd().close();
            assertEquals("/dev/null\n", run.stdout());
            assertEquals("oops\n", ChildRun.readAll(Fds.inputStream(err.readEnd())));
        }
    }

    @Test
    void dataWrittenToHighAndLowChildFdsArrives() throws Exception {
        try (Pipe toThree = Fds.pipe();
                Pipe toSeventeen = Fds.pipe()) {
            ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                    .args("-c", "printf seventeen >/dev/fd/17; printf three >&3")
                    .mapFd(3, toThree.writeEnd().get())
                    .mapFd(17, toSeventeen.writeEnd().get()));
            assertEquals(ExitStatus.exited(0), run.status());
            toThree.writeEnd().close();
            toSeventeen.writeEnd().close();
            assertEquals("three", ChildRun.readAll(Fds.inputStream(toThree.readEnd())));
            assertEquals("seventeen", ChildRun.readAll(Fds.inputStream(toSeventeen.readEnd())));
        }
    }

    /** Each pipe's write end becomes the other's number in the child: a two-element cycle. */
    @Test
    void swappedFdNumbersKeepTheirData() throws Exception {
        try (Pipe x = Fds.pipe();
                Pipe y = Fds.pipe()) {
            int xw = x.writeEnd().get();
            int yw = y.writeEnd().get();
            ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                    .args("-c", "printf to-x >/dev/fd/" + yw + "; printf to-y >/dev/fd/" + xw)
                    .mapFd(yw, xw)
                    .mapFd(xw, yw));
            assertEquals(ExitStatus.exited(0), run.status());
            x.writeEnd().close();
            y.writeEnd().close();
            assertEquals("to-x", ChildRun.readAll(Fds.inputStream(x.readEnd())));
            assertEquals("to-y", ChildRun.readAll(Fds.inputStream(y.readEnd())));
        }
    }

    /** The JVM's own fds 3 and 4 (whatever they are) swapped: the child sees 4's file at 3 and vice versa. */
    @Test
    void swapOfThreeAndFour() throws Exception {
        String three = Files.readSymbolicLink(Path.of("/proc/self/fd/3")).toString();
        String four = Files.readSymbolicLink(Path.of("/proc/self/fd/4")).toString();
        ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                .args("-c", "readlink /proc/$$/fd/3; readlink /proc/$$/fd/4")
                .mapFd(3, 4)
                .mapFd(4, 3));
        assertEquals(four + "\n" + three + "\n", run.stdout());
    }

    @Test
    void mappedParentFdsStayOpenAndOwnedByTheParent() throws Exception {
        try (Pipe p = Fds.pipe()) {
            ChildProcess child = NativeShim.get()
                    .spawn(SpawnSpec.builder(Path.of("/bin/true"))
                            .mapFd(5, p.writeEnd().get())
                            .build());
            assertTrue(child.waitFor(Duration.ofSeconds(5)).isPresent());
            assertTrue(Fds.isCloexec(p.writeEnd().get()), "the parent's fd keeps its flags");
            Fds.write(p.writeEnd().get(), "still open".getBytes(StandardCharsets.UTF_8), 0, 10);
        }
    }
}
