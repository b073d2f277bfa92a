package dev.tunnelhelper.helper.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Group names to gids, from {@code /etc/group} (Java has no public API for the number). */
public final class GroupDirectory {
    private final Path groupFile;

    public GroupDirectory(Path groupFile) {
        this.groupFile = groupFile;
    }

    public static GroupDirectory system() {
        return new GroupDirectory(Path.of("/etc/group"));
    }

    public Optional<Long> gidOf(String name) throws IOException {
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            return Optional.of(Long.parseLong(name));
        }
        for (String line : Files.readAllLines(groupFile)) {
            String[] parts = line.split(":", -1);
            if (parts.length >= 3 && parts[0].equals(name)) {
                return Optional.of(Long.parseLong(parts[2]));
            }
        }
        return Optional.empty();
    }
}
