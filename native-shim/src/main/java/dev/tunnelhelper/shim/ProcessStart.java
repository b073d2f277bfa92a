package dev.tunnelhelper.shim;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a live process started, as the kernel records it: what tells a process apart from a later
 * one that got the same pid. Linux: field 22 of {@code /proc/<pid>/stat} (clock ticks since boot)
 * together with {@code /proc/sys/kernel/random/boot_id}, since tick counts repeat from one boot to
 * the next. macOS: {@code proc_pidinfo(PROC_PIDTBSDINFO)}'s start time, seconds and microseconds
 * of the wall clock (libproc, no shim function needed); the boot is implied.
 *
 * @param started the start time, as text to compare for equality only
 * @param boot the boot it is counted from ({@code ""} where the start time is absolute)
 */
public record ProcessStart(String started, String boot) {
    private static final Path PROC = Path.of("/proc");
    private static final Path BOOT_ID = PROC.resolve("sys/kernel/random/boot_id");
    /** The field after the command name that is the start time: field 22 of stat, counted from field 3. */
    private static final int START_TIME_FIELD = 22 - 3;

    private interface LibProc extends Library {
        int proc_pidinfo(int pid, int flavor, long arg, byte[] buffer, int bufferSize);
    }

    private static final class Mac {
        static final LibProc LIBPROC = Native.load("c", LibProc.class);
        static final int PROC_PIDTBSDINFO = 3;
        /** sizeof(struct proc_bsdinfo), and where its fields are (the same on x86_64 and arm64). */
        static final int BSDINFO_SIZE = 136;

        static final int STATUS_OFFSET = 4;
        static final int SZOMB = 5;
        static final int START_SECONDS_OFFSET = 120;
        static final int START_MICROS_OFFSET = 128;
    }

    /** The start of process {@code pid}; empty when there is none, or only its zombie (nothing left to run). */
    public static Optional<ProcessStart> of(int pid) throws IOException {
        if (pid <= 0) {
            return Optional.empty();
        }
        return NativePlatform.current().isMac() ? ofMac(pid) : ofLinux(pid);
    }

    private static Optional<ProcessStart> ofLinux(int pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        int nameEnd = stat.lastIndexOf(')');
        String[] fields =
                nameEnd < 0 ? new String[0] : stat.substring(nameEnd + 1).trim().split(" ");
        if (fields.length <= START_TIME_FIELD) {
            throw new IOException("unexpected /proc/" + pid + "/stat: " + stat.length() + " characters");
        }
        if (fields[0].equals("Z") || fields[0].equals("X")) {
            return Optional.empty();
        }
        return Optional.of(new ProcessStart(
                fields[START_TIME_FIELD],
                Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim()));
    }

    private static Optional<ProcessStart> ofMac(int pid) {
        byte[] info = new byte[Mac.BSDINFO_SIZE];
        if (Mac.LIBPROC.proc_pidinfo(pid, Mac.PROC_PIDTBSDINFO, 0, info, info.length) != info.length) {
            return Optional.empty(); // ESRCH: no such process
        }
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        if (b.getInt(Mac.STATUS_OFFSET) == Mac.SZOMB) {
            return Optional.empty();
        }
        return Optional.of(
                new ProcessStart(b.getLong(Mac.START_SECONDS_OFFSET) + "." + b.getLong(Mac.START_MICROS_OFFSET), ""));
    }
}
