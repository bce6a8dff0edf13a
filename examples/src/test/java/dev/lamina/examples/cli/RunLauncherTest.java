package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunLauncher}, which {@code mvn -Ptrain} runs: a stand-in launcher records what it was given. */
class RunLauncherTest {
    @Test
    void splitsTheCommandLineIntoWords() {
        assertThat(RunLauncher.words("  train --epochs 3\t--seed 7 ")).containsExactly("train", "--epochs", "3",
                "--seed", "7").inOrder();
        assertThat(RunLauncher.words(" ")).isEmpty();
    }

    @Test
    void runsTheLauncherInTheDirectoryOnThisJavaAndReturnsItsExitCode(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("record.txt");
        Path launcher = dir.resolve("lamina");
        Files.writeString(launcher, "#!/bin/sh\n{ pwd; echo \"$JAVA_HOME\"; for a in \"$@\"; do echo \"$a\"; done; } > '"
                + record + "'\nexit 3\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Path work = Files.createDirectory(dir.resolve("work"));

        int code = RunLauncher.run(launcher, work, List.of("train", "--epochs", "-1"));

        assertThat(code).isEqualTo(3);
        assertThat(Files.readAllLines(record)).containsExactly(work.toRealPath().toString(),
                System.getProperty("java.home"), "train", "--epochs", "-1").inOrder();
    }

    @Test
    void aMissingLauncherIsAnError(@TempDir Path dir) throws Exception {
        assertThat(RunLauncher.run(dir.resolve("bin/lamina"), dir, List.of("train"))).isEqualTo(1);
    }
}
