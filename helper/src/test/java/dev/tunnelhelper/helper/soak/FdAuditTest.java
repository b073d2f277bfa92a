package dev.tunnelhelper.helper.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fd audit's replay, on small strace logs written the way {@code strace -f -o} writes them. */
class FdAuditTest {
    private static final String JVM_STARTS = """
            100 execve("/usr/bin/java", ["java", "-cp"...], 0x7ffd /* 9 vars */) = 0
            100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, \
            child_tid=0x7f35, exit_signal=0, stack=0x7f35, stack_size=0xfef80} => {parent_tid=[101]}, 88) = 101
            101 prctl(PR_SET_NAME, "session-worker") = 0
            """;

    private static FdAudit.Report replay(String log) {
        return FdAudit.replay((JVM_STARTS + log).lines().toList());
    }

    /** Each finding as "line thread: reason", the parts a reader of the soak's output acts on. */
    private static List<String> flagged(FdAudit.Report report) {
        return report.findings().stream()
                .map(f -> f.line() + " " + f.thread() + ": " + f.reason())
                .toList();
    }

    @Test
    void closesOfWhatTheHelperOpenedAreCountedAndNotFlagged() {
        FdAudit.Report report = replay("""
                101 openat(AT_FDCWD, "/var/lib/tunnel-helper/helper.json", O_RDONLY|O_CLOEXEC) = 5
                101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 6
                101 pipe2([7, 8], O_CLOEXEC) = 0
                100 close(5)                          = 0
                101 close(6)                          = 0
                101 close(7)                          = 0
                101 close(8)                          = 0
                """);

        assertEquals("fd audit: 4 closes in the helper, 0 of a descriptor it did not own", report.summary());
        assertEquals(List.of(), flagged(report));
    }

    @Test
    void aCloseThatFailsWithEbadfIsFlaggedWithItsThread() {
        FdAudit.Report report = replay("""
                101 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 5
                101 close(5)                          = 0
                101 close(5)                          = -1 EBADF (Bad file descriptor)
                """);

        assertEquals(List.of("6 101 \"session-worker\": failed with EBADF: the number was not open"), flagged(report));
        assertEquals("fd audit: 2 closes in the helper, 1 of a descriptor it did not own", report.summary());
    }

    @Test
    void aCloseOfANumberTheHelperNeverOpenedIsFlaggedEvenWhenItSucceeds() {
        FdAudit.Report report = replay("""
                101 close(9)                          = 0
                """);

        assertEquals(
                List.of("4 101 \"session-worker\": the replay never saw this number opened in the helper"),
                flagged(report));
    }

    @Test
    void aThreadSharesTheHelpersTableButAChildProcessHasItsOwn() {
        // The tunnel's spawn: a vforked child closes every number above 2 in its own table (EBADF
        // for most), and a forked child's close of 5 leaves the helper's 5 open for the helper.
        FdAudit.Report report = replay("""
                101 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 5
                101 vfork()                           = 200
                200 close(3)                          = -1 EBADF (Bad file descriptor)
                200 close(5)                          = 0
                200 execve("/usr/lib/jvm/bin/jspawnhelper", ["jspawnhelper"], 0x7ffd /* 9 vars */) = 0
                101 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, \
                child_tidptr=0x7f35) = 201
                201 close(5)                          = 0
                100 close(5)                          = 0
                100 close(3)                          = -1 EBADF (Bad file descriptor)
                """);

        assertEquals(List.of("12 100 \"?\": failed with EBADF: the number was not open"), flagged(report));
        assertEquals("fd audit: 2 closes in the helper, 1 of a descriptor it did not own", report.summary());
    }

    @Test
    void aNumberReusedByAChildProcessIsNoLongerTheHelpersThread() {
        // 101 ends and the kernel gives its number to the tunnel's process: that process's closes are its own.
        FdAudit.Report report = replay("""
                100 vfork()                           = 101
                101 close(4)                          = -1 EBADF (Bad file descriptor)
                """);

        assertEquals(List.of(), flagged(report));
        assertEquals(0, report.closes());
    }

    @Test
    void aNewThreadsCallsReportedBeforeItsCloneReturnedAreTheHelpers() {
        FdAudit.Report report = replay("""
                100 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 5
                100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, \
                exit_signal=0, stack_size=0xfef80} <unfinished ...>
                102 prctl(PR_SET_NAME, "JFR Recorder Th"...) = 0
                102 close(5)                          = 0
                100 <... clone3 resumed> => {parent_tid=[102]}, 88) = 102
                102 close(5)                          = -1 EBADF (Bad file descriptor)
                """);

        assertEquals(List.of("9 102 \"JFR Recorder Th\": failed with EBADF: the number was not open"), flagged(report));
        assertEquals(2, report.closes());
    }

    @Test
    void aNumberIsFreeFromTheMomentItsCloseBeganNotWhenStraceReportsItDone() {
        // 101's close of 5 is under way when 100 gets 5 back from openat, and closes it: all owned.
        FdAudit.Report report = replay("""
                101 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 5
                101 close(5 <unfinished ...>
                100 openat(AT_FDCWD, "/tmp/y", O_RDONLY) = 5
                101 <... close resumed>)              = 0
                100 close(5)                          = 0
                """);

        assertEquals(List.of(), flagged(report));
        assertEquals(2, report.closes());
    }

    @Test
    void aCloseReportedUnfinishedIsFlaggedByItsResultAtTheLineWhereItBegan() {
        FdAudit.Report report = replay("""
                101 close(5 <unfinished ...>
                100 openat(AT_FDCWD, "/tmp/y", O_RDONLY) = 5
                101 <... close resumed>)              = -1 EBADF (Bad file descriptor)
                100 close(5)                          = 0
                """);

        assertEquals(List.of("4 101 \"session-worker\": failed with EBADF: the number was not open"), flagged(report));
    }

    @Test
    void descriptorsReceivedWithScmRightsAreTheHelpersToClose() {
        FdAudit.Report report = replay("""
                101 recvmsg(12, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\x00\\x00", iov_len=8192}], \
                msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, \
                cmsg_data=[15, 16]}], msg_controllen=24, msg_flags=MSG_CMSG_CLOEXEC}, MSG_CMSG_CLOEXEC) = 40
                101 close(15)                         = 0
                101 close(16)                         = 0
                101 close(17)                         = 0
                """);

        assertEquals(
                List.of("7 101 \"session-worker\": the replay never saw this number opened in the helper"),
                flagged(report));
    }

    @Test
    void dup2OntoAnOpenNumberReplacesItInOneStepAndOntoAFreeOneOpensIt() {
        // NIO's pre-close: a spare socket dup2'd over the descriptor being closed, then closed.
        FdAudit.Report report = replay("""
                101 socketpair(AF_UNIX, SOCK_STREAM, 0, [5, 6]) = 0
                101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 9
                101 dup2(5, 9)                        = 9
                101 close(9)                          = 0
                101 close(9)                          = -1 EBADF (Bad file descriptor)
                101 dup2(6, 10)                       = 10
                101 close(10)                         = 0
                """);

        assertEquals(List.of("8 101 \"session-worker\": failed with EBADF: the number was not open"), flagged(report));
        assertEquals(3, report.closes());
    }

    @Test
    void closeRangeClosesItsRangeButOnlyMarksItWithCloexec() {
        FdAudit.Report report = replay("""
                101 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 5
                101 openat(AT_FDCWD, "/tmp/y", O_RDONLY) = 6
                101 close_range(6, 4294967295, CLOSE_RANGE_CLOEXEC) = 0
                101 close(6)                          = 0
                101 openat(AT_FDCWD, "/tmp/z", O_RDONLY) = 6
                101 close_range(3, 4294967295, 0)     = 0
                101 close(5)                          = 0
                """);

        assertEquals(
                List.of("10 101 \"session-worker\": the replay never saw this number opened in the helper"),
                flagged(report));
    }

    @Test
    void aJfrFileMayBeClosedByItsOpenerOrJfrsThreadsOnly() {
        FdAudit.Report report = replay("""
                100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD} => {parent_tid=[103]}, 88) = 103
                100 openat(AT_FDCWD, "/tmp/2026_12_02_11_12_13_100/2026_12_02_11_12_13.jfr", O_RDWR|O_CREAT, 0666) = 6
                100 close(6)                          = 0
                103 prctl(PR_SET_NAME, "JFR Shutdown Ho"...) = 0
                103 openat(AT_FDCWD, "/tmp/helper.jfr", O_WRONLY|O_APPEND) = 8
                100 openat(AT_FDCWD, "/tmp/2026_12_02_11_12_13_100/2026_12_02_11_12_14.jfr", O_RDWR|O_CREAT, 0666) = 6
                103 close(6)                          = 0
                103 openat(AT_FDCWD, "/tmp/2026_12_02_11_12_13_100/2026_12_02_11_12_15.jfr", O_RDWR|O_CREAT, 0666) = 6
                101 close(6)                          = 0
                103 close(8)                          = 0
                """);

        assertEquals(
                List.of("12 101 \"session-worker\": a JFR file opened at line 11 by thread 103 \"JFR Shutdown Ho\": "
                        + "openat(AT_FDCWD, \"/tmp/2026_12_02_11_12_13_100/2026_12_02_11_12_15.jfr\", "
                        + "O_RDWR|O_CREAT, 0666) = 6"),
                flagged(report));
    }
}
