package dev.lamina.runtime.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds test tarballs with the system {@code tar}; tests that need it are skipped where it is missing. */
final class Tarballs {
    private Tarballs() {}

    /**
     * Runs {@code tar -c[z]f out -C dir <members>} with an optional {@code --format}.
     *
     * @param format GNU tar format name (gnu, ustar, pax) or null for the default
     */
    static Path create(Path out, Path dir, boolean gzip, String format, String... members) throws Exception {
        List<String> command = new ArrayList<>(List.of("tar", gzip ? "-czf" : "-cf", out.toString()));
        if (format != null) {
            command.add("--format=" + format);
        }
        command.addAll(List.of("-C", dir.toString()));
        command.addAll(List.of(members));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no system tar: " + e.getMessage());
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes());
        assumeTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0,
                "system tar failed (" + String.join(" ", command) + "): " + output);
        return out;
    }
}
