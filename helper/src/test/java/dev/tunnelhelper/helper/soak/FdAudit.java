package dev.tunnelhelper.helper.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/soak.sh --fd-audit}: replays an {@code strace -f} log of the helper's JVM and
 * finds every close of a descriptor the helper did not own. It keeps the descriptor table of the
 * JVM process only (its threads share it; a forked or vforked child, such as the tunnel being
 * spawned, has a table of its own whose closes are not the helper's) and flags a close that
 * failed with EBADF, a close of a number the replay does not know to be open, and a close of a
 * JFR file by a thread that neither opened it nor is one of JFR's: the crash this hunts was JFR's
 * file writer failing at helper shutdown, which fits a number closed under JFR's feet.
 */
public final class FdAudit {
    /** What strace must trace for the replay: every call that creates, duplicates, receives or closes a descriptor, and threads. */
    static final String TRACED_CALLS = "openat,open,creat,close,close_range,socket,socketpair,pipe,pipe2,dup,dup2,dup3,"
            + "accept,accept4,recvmsg,eventfd2,epoll_create1,memfd_create,fcntl,inotify_init1,timerfd_create,"
            + "clone,clone3,vfork,fork,execve,prctl";

    private static final Set<String> RETURNS_A_DESCRIPTOR = Set.of(
            "openat",
            "open",
            "creat",
            "socket",
            "accept",
            "accept4",
            "eventfd2",
            "epoll_create1",
            "memfd_create",
            "inotify_init1",
            "timerfd_create",
            "dup",
            "dup2",
            "dup3");
    private static final Set<String> CREATES_A_TASK = Set.of("clone", "clone3", "vfork", "fork");
    private static final Pattern UNFINISHED = Pattern.compile("^(\\d+) +(.*) <unfinished \\.\\.\\.>$");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+) +<\\.\\.\\. (\\w+) resumed>(.*)$");
    private static final Pattern CALL =
            Pattern.compile("^(\\d+) +(\\w+)\\((.*)\\) += (-?\\d+|\\?|0x\\p{XDigit}+)(?: (E[A-Z]+))?.*$");
    private static final Pattern BEGUN = Pattern.compile("^(\\w+)\\((.*)$");
    private static final Pattern PAIR = Pattern.compile("\\[(\\d+), (\\d+)\\]");
    private static final Pattern PASSED_FDS = Pattern.compile("SCM_RIGHTS, cmsg_data=\\[([\\d, ]+)\\]");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    /** A close the helper should not have made, with the line of the log and the thread that made it. */
    public record Finding(int line, String thread, String call, String reason) {
        @Override
        public String toString() {
            return "line " + line + ", thread " + thread + ": " + call + ": " + reason;
        }
    }

    /** The closes made in the helper's table, and the ones flagged. */
    public record Report(int closes, List<Finding> findings) {
        public String summary() {
            return "fd audit: " + closes + " closes in the helper, " + findings.size()
                    + " of a descriptor it did not own";
        }
    }

    /**
     * One system call, whole: an {@code <unfinished ...>} line joined to its {@code <... resumed>}
     * line. {@code start} is the line where it began, {@code end} where its result was reported.
     */
    private record Call(int start, int end, int tid, String name, String args, String result, String errno) {
        /** Where the replay applies it: the kernel frees a closed number and creates a task when the call begins (another thread may reuse the number before the close is reported done); everything else counts once it returned. */
        int takesEffect() {
            return name.equals("close") || name.equals("close_range") || CREATES_A_TASK.contains(name) ? start : end;
        }

        long value() {
            return result.matches("-?\\d+") ? Long.parseLong(result) : -1;
        }

        String text() {
            return name + "(" + args + ") = " + result + (errno.isEmpty() ? "" : " " + errno);
        }
    }

    private record Opened(int line, int tid, String call) {}

    private FdAudit() {}

    /** The strace command to put in front of the helper's JVM, writing its log to {@code log}. */
    static List<String> straceCommand(Path log) {
        return List.of("strace", "-f", "--seccomp-bpf", "-e", "trace=" + TRACED_CALLS, "-o", log.toString());
    }

    public static Report replay(Path log) throws IOException {
        // strace escapes what is not printable: read bytes one to one, whatever the locale.
        return replay(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
    }

    /** Replays a log whose first call is the JVM's (its execve, under {@code strace -f -o}). */
    public static Report replay(List<String> lines) {
        List<Call> calls = joined(lines);
        // Second pass, in the order the kernel acted: a clone's child is known (from its result)
        // when the clone begins, so a new thread's calls reported before it returned are placed.
        calls.sort(Comparator.comparingInt(Call::takesEffect));
        return new Replay(calls.isEmpty() ? -1 : calls.get(0).tid()).run(calls);
    }

    /** First pass: each call whole, split ones joined, in no particular order. */
    private static List<Call> joined(List<String> lines) {
        List<Call> calls = new ArrayList<>();
        Map<Integer, Integer> startLine = new HashMap<>();
        Map<Integer, String> startText = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i);
            Matcher unfinished = UNFINISHED.matcher(text);
            if (unfinished.matches()) {
                int tid = Integer.parseInt(unfinished.group(1));
                if (startLine.containsKey(tid)) { // the number's earlier task was killed inside a call
                    neverDone(tid, startLine.get(tid), startText.get(tid)).ifPresent(calls::add);
                }
                startLine.put(tid, line);
                startText.put(tid, unfinished.group(2));
                continue;
            }
            int start = line;
            Matcher resumed = RESUMED.matcher(text);
            if (resumed.matches()) {
                int tid = Integer.parseInt(resumed.group(1));
                Integer begun = startLine.remove(tid);
                String begin = startText.remove(tid);
                if (begun == null) {
                    continue; // began before the log did
                }
                start = begun;
                text = tid + " " + begin + resumed.group(3);
            }
            Matcher call = CALL.matcher(text);
            if (call.matches()) {
                calls.add(new Call(
                        start,
                        line,
                        Integer.parseInt(call.group(1)),
                        call.group(2),
                        call.group(3),
                        call.group(4),
                        call.group(5) == null ? "" : call.group(5)));
            }
        }
        startText.forEach(
                (tid, begin) -> neverDone(tid, startLine.get(tid), begin).ifPresent(calls::add));
        return calls;
    }

    /** A call never reported done (its task was killed in it) still began: a close freed its number. */
    private static Optional<Call> neverDone(int tid, int line, String begin) {
        Matcher call = BEGUN.matcher(begin);
        return call.matches()
                ? Optional.of(new Call(line, line, tid, call.group(1), call.group(2), "?", ""))
                : Optional.empty();
    }

    /** The second pass's state: which tasks share the helper's table, what is open in it, thread names. */
    private static final class Replay {
        private final Set<Integer> helperTasks = new HashSet<>();
        private final Map<Integer, String> names = new HashMap<>();
        private final Map<Long, Opened> open = new HashMap<>();
        private final List<Finding> findings = new ArrayList<>();
        private int closes;

        Replay(int jvm) {
            helperTasks.add(jvm);
            for (long stdio = 0; stdio <= 2; stdio++) {
                open.put(stdio, new Opened(0, jvm, "inherited"));
            }
        }

        Report run(List<Call> calls) {
            for (Call call : calls) {
                apply(call);
            }
            return new Report(closes, List.copyOf(findings));
        }

        private void apply(Call call) {
            long value = call.value();
            if (CREATES_A_TASK.contains(call.name())) {
                if (value > 0) {
                    int child = (int) value;
                    names.remove(child); // a reused number: a new task, nameless until it names itself
                    if (helperTasks.contains(call.tid()) && call.args().contains("CLONE_FILES")) {
                        helperTasks.add(child);
                    } else {
                        helperTasks.remove(child);
                    }
                }
                return;
            }
            if (call.name().equals("prctl") && call.args().startsWith("PR_SET_NAME")) {
                Matcher name = QUOTED.matcher(call.args());
                if (name.find()) {
                    names.put(call.tid(), name.group(1));
                }
                return;
            }
            if (!helperTasks.contains(call.tid())) {
                return; // a child process's own table
            }
            switch (call.name()) {
                case "close" -> close(call);
                case "close_range" -> closeRange(call);
                case "pipe", "pipe2", "socketpair" -> {
                    Matcher pair = PAIR.matcher(call.args());
                    if (value == 0 && pair.find()) {
                        opened(Long.parseLong(pair.group(1)), call);
                        opened(Long.parseLong(pair.group(2)), call);
                    }
                }
                case "recvmsg" -> {
                    Matcher passed = PASSED_FDS.matcher(call.args());
                    while (value >= 0 && passed.find()) {
                        for (String fd : passed.group(1).split(", *")) {
                            opened(Long.parseLong(fd.trim()), call);
                        }
                    }
                }
                case "fcntl" -> {
                    if (call.args().contains("F_DUPFD") && value >= 0) {
                        opened(value, call);
                    }
                }
                default -> {
                    if (RETURNS_A_DESCRIPTOR.contains(call.name()) && value >= 0) {
                        opened(value, call); // dup2/dup3 onto an open number replace it in one step
                    }
                }
            }
        }

        private void opened(long fd, Call call) {
            open.put(fd, new Opened(call.end(), call.tid(), call.text()));
        }

        private void close(Call call) {
            closes++;
            long fd = Long.parseLong(call.args().trim().split("[ ,]")[0]);
            // Linux frees the number even when close fails (EINTR, EIO), unless it was not open.
            Opened was = open.remove(fd);
            if (call.errno().equals("EBADF")) {
                flag(call, "failed with EBADF: the number was not open");
            } else if (was == null) {
                flag(call, "the replay never saw this number opened in the helper");
            } else if (was.call().contains(".jfr")
                    && was.tid() != call.tid()
                    && !names.getOrDefault(call.tid(), "").startsWith("JFR ")) {
                flag(
                        call,
                        "a JFR file opened at line " + was.line() + " by thread " + thread(was.tid()) + ": "
                                + was.call());
            }
        }

        private void closeRange(Call call) {
            closes++;
            String[] args = call.args().split(", *");
            if (call.value() != 0 || args[2].contains("CLOSE_RANGE_CLOEXEC")) {
                return; // failed, or only marked close-on-exec
            }
            long first = Long.parseLong(args[0].trim());
            long last = Long.parseLong(args[1].trim());
            open.keySet().removeIf(fd -> fd >= first && fd <= last);
        }

        private void flag(Call call, String reason) {
            findings.add(new Finding(call.start(), thread(call.tid()), call.text(), reason));
        }

        private String thread(int tid) {
            return tid + " \"" + names.getOrDefault(tid, "?") + "\"";
        }
    }
}
