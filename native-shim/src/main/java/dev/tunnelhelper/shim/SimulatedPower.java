package dev.tunnelhelper.shim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays the system's part of IOKit power notifications in the simulator: sends a message to every
 * process registered under the simulator root and reports each answer. Needs the simulator loaded.
 */
public final class SimulatedPower {
    /** The kIOMessage* values (IOKit/IOMessage.h). */
    public enum Message {
        CAN_SYSTEM_SLEEP(0xE0000270),
        SYSTEM_WILL_SLEEP(0xE0000280),
        SYSTEM_WILL_NOT_SLEEP(0xE0000290),
        SYSTEM_HAS_POWERED_ON(0xE0000300);

        private final int code;

        Message(int code) {
            this.code = code;
        }
    }

    /** What a registration answered: ALLOW / CANCEL (IOAllow/IOCancelPowerChange), NO_ANSWER in time, or NONE needed. */
    public enum Outcome {
        ALLOW,
        CANCEL,
        NO_ANSWER,
        NONE
    }

    /** One registration's answer, and how long after the message it came. */
    public record Answer(int pid, Outcome outcome, Duration after) {}

    private SimulatedPower() {}

    /** Sends {@code message}; for the two that need an answer, waits up to {@code timeout} for each. */
    public static List<Answer> post(Message message, Duration timeout) {
        byte[] out = new byte[8192];
        int rc = SimulatedCodeSigning.simulator().xpcsim_power_post(message.code, timeout.toMillis(), out, out.length);
        if (rc < 0) {
            throw new NativeException(-rc, "posting " + message + " failed");
        }
        List<Answer> answers = new ArrayList<>();
        for (String line : ErrorBuffer.cString(out).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            Outcome outcome = switch (f[1]) {
                case "allow" -> Outcome.ALLOW;
                case "cancel" -> Outcome.CANCEL;
                case "noanswer" -> Outcome.NO_ANSWER;
                default -> Outcome.NONE;
            };
            answers.add(new Answer(Integer.parseInt(f[0]), outcome, Duration.ofNanos(Long.parseLong(f[2]) * 1000)));
        }
        return answers;
    }
}
